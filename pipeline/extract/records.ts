import type { RecordInput, Rejection } from '../load.ts';
import type { SourceConfig } from './config.ts';
import { getPath, mapRecord } from './mapping.ts';
import type { RawPage } from './raw.ts';

/**
 * One landed page → canonical records for the loader, and the records the mapping could not
 * read, each located by page, position and raw file so it can be found and fixed.
 */
export function recordsFromPage(page: RawPage, rawPath: string, source: SourceConfig, timeZone: string): { records: RecordInput[]; rejections: Rejection[] } {
  const records: RecordInput[] = [];
  const rejections: Rejection[] = [];
  const items = getPath(page.body, source.pagination.itemsPath);
  const context = { operator: source.operator ?? source.name, timeZone };
  (Array.isArray(items) ? items : []).forEach((item, index) => {
    const location = `page ${page.page} record ${index + 1} (${rawPath})`;
    const result = mapRecord(item, source.mapping, context);
    if (result.leg) records.push({ source: source.name, location, fields: result.leg });
    else rejections.push({ source: source.name, location, rawPayload: JSON.stringify(item), reason: result.error });
  });
  return { records, rejections };
}
