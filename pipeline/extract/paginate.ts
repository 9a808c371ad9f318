import type { SourceConfig } from './config.ts';
import type { HttpClient, RequestAuth } from './http.ts';
import { getPath } from './mapping.ts';
import { formatBrDateTime, toLocal, toLocalIso } from './time.ts';

/**
 * Walks every page of one query window of a source, in any of the three pagination styles,
 * handing each page to `onPage` as soon as it arrives (the caller lands it before loading).
 */

export interface FetchedPage {
  /** 1-based position in the listing. */
  number: number;
  /** The request URL, without credentials. */
  url: string;
  body: unknown;
}

export interface Walk {
  source: SourceConfig;
  http: HttpClient;
  auth: RequestAuth;
  timeZone: string;
  /** `[start, end)` of the window. */
  start: Date;
  end: Date;
  onPage: (page: FetchedPage) => Promise<void>;
}

export class PaginationError extends Error {}

/** Fetches all pages; returns how many there were. */
export async function walkPages(walk: Walk): Promise<number> {
  const { source } = walk;
  const pagination = source.pagination;
  const first = new URL(source.path.replace(/^\//, ''), withTrailingSlash(source.baseUrl));
  for (const [key, value] of Object.entries(source.params)) first.searchParams.set(key, value);
  for (const [key, value] of Object.entries(windowParams(walk))) first.searchParams.set(key, value);
  if (pagination.sizeParam) first.searchParams.set(pagination.sizeParam, String(pagination.pageSize));

  const fetchPage = async (url: URL, number: number): Promise<FetchedPage> => {
    if (number > source.http.maxPages) throw new PaginationError(`more than ${source.http.maxPages} pages (http.maxPages); stopped`);
    const body = await walk.http.json({ url: url.toString() }, walk.auth);
    if (!Array.isArray(getPath(body, pagination.itemsPath))) throw new PaginationError(`page ${number} has no list at "${pagination.itemsPath}"`);
    const page = { number, url: url.toString(), body };
    await walk.onPage(page);
    return page;
  };

  if (pagination.style === 'page') {
    const pageUrl = (number: number) => {
      const url = new URL(first);
      url.searchParams.set(pagination.pageParam, String(pagination.firstPage + number - 1));
      return url;
    };
    const firstPage = await fetchPage(pageUrl(1), 1);
    const total = Number(getPath(firstPage.body, pagination.totalPath));
    if (!Number.isInteger(total) || total < 0) throw new PaginationError(`page 1 has no total at "${pagination.totalPath}"`);
    const pages = Math.max(1, Math.ceil(total / pagination.pageSize));
    if (pages > source.http.maxPages) throw new PaginationError(`the total of ${total} records needs ${pages} pages, more than http.maxPages (${source.http.maxPages})`);
    // The total is known: the other pages go out together, within the source's concurrency.
    // After a failure no new page is requested and the ones in flight are awaited, so the
    // caller cleans up only once nothing is writing any more.
    const rest = Array.from({ length: pages - 1 }, (_, index) => index + 2);
    let failure: unknown;
    const worker = async (): Promise<void> => {
      for (let number = rest.shift(); number !== undefined && !failure; number = rest.shift()) {
        await fetchPage(pageUrl(number), number).catch((error: unknown) => void (failure ??= error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(source.http.concurrency, rest.length) }, worker));
    if (failure) throw failure;
    return pages;
  }

  const seen = new Set<string>();
  let url: URL | undefined = first;
  let number = 0;
  while (url) {
    const page: FetchedPage = await fetchPage(url, ++number);
    const pointer = getPath(page.body, pagination.style === 'cursor' ? pagination.cursorPath : pagination.nextPath);
    if (pointer === undefined || pointer === null || pointer === '') break;
    if (typeof pointer !== 'string' && typeof pointer !== 'number') throw new PaginationError(`page ${number}: the next-page pointer is not a text`);
    const key = String(pointer);
    if (seen.has(key)) throw new PaginationError(`page ${number}: the API sent the same next-page pointer twice; stopped`);
    seen.add(key);
    url = pagination.style === 'cursor' ? withParam(first, pagination.cursorParam, key) : sameOriginLink(key, url, source.baseUrl);
  }
  return number;
}

/** The local day's boundaries as query parameters, in the source's format. */
export function windowParams(walk: Pick<Walk, 'source' | 'timeZone' | 'start' | 'end'>): Record<string, string> {
  const { window } = walk.source;
  const end = window.end === 'inclusive' ? new Date(walk.end.getTime() - 1000) : walk.end;
  const write = (instant: Date): string => {
    if (window.format === 'epoch_ms') return String(instant.getTime());
    if (window.format === 'br_datetime') return formatBrDateTime(toLocal(instant, walk.timeZone));
    return toLocalIso(instant, walk.timeZone);
  };
  return { [window.fromParam]: write(walk.start), [window.toParam]: write(end) };
}

function withParam(base: URL, key: string, value: string): URL {
  const url = new URL(base);
  url.searchParams.set(key, value);
  return url;
}

/** Credentials go with the request: a next link to another host is refused, not followed. */
function sameOriginLink(link: string, current: URL, baseUrl: string): URL {
  const url = new URL(link, current);
  if (url.origin !== new URL(baseUrl).origin) throw new PaginationError(`the next-page link points to another host (${url.origin}); not followed`);
  return url;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
