import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { renderChart, type ChartText } from './charts.ts';
import { pageWorkbook } from './exports.ts';
import type { Table } from './tables.ts';

type Task =
  | { kind: 'chart'; spec: Record<string, unknown>; text: ChartText }
  | { kind: 'workbook'; tables: Table[]; builtAt: number };

function runTask(task: Task): Promise<string | Buffer> {
  return task.kind === 'chart' ? renderChart(task.spec, task.text) : pageWorkbook(task.tables, new Date(task.builtAt));
}

/**
 * Chart rendering and XLSX writing are pure and CPU-bound: most of a large build. They run on
 * worker threads so they overlap with templating and file writing; `size` 0 runs them in-process.
 */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (value: string | Buffer) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor(size = availableParallelism()) {
    // The worker loads this TypeScript module through tsx, as the CLI does (no build step). tsx
    // is resolved here, from the project: code evaluated in a worker resolves packages from the
    // working directory, which for a scheduled run is anywhere.
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
    for (let index = 0; index < size; index++) {
      const worker = new Worker(bootstrap, { eval: true });
      worker.on('message', (message: { id: number; result?: string | Uint8Array; error?: string }) => {
        const pending = this.waiting.get(message.id)!;
        this.waiting.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(typeof message.result === 'string' ? message.result : Buffer.from(message.result!));
      });
      worker.on('error', (error) => this.failAll(error));
      // A worker that stops before close() leaves no task of the build to wait for forever.
      worker.on('exit', (code) => this.failAll(new Error(`a render worker stopped (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  private failAll(error: Error): void {
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }

  private run(task: Task): Promise<string | Buffer> {
    if (this.workers.length === 0) return runTask(task);
    const id = this.next++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, task });
    });
  }

  async chart(spec: Record<string, unknown>, text: ChartText): Promise<string> {
    return (await this.run({ kind: 'chart', spec, text })) as string;
  }

  async workbook(tables: Table[], builtAt: Date): Promise<Buffer> {
    // Only what the workbook shows is copied to the worker, not the pages' episode timelines.
    const exported = tables.map(({ id, caption, columns, rows }) => ({ id, caption, columns, rows }));
    return (await this.run({ kind: 'workbook', tables: exported, builtAt: builtAt.getTime() })) as Buffer;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Runs jobs with at most `limit` in flight, so the workers always have queued work. */
export async function runLimited(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let cursor = 0;
  const lane = async () => {
    while (cursor < jobs.length) await jobs[cursor++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', async ({ id, task }: { id: number; task: Task }) => {
    try {
      const result = await runTask(task);
      port.postMessage({ id, result });
    } catch (error) {
      port.postMessage({ id, error: (error as Error).stack ?? String(error) });
    }
  });
}
