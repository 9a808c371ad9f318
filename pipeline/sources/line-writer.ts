import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * A file written line by line in batches, with back-pressure: the reader awaits `drained()`, so
 * memory stays flat however big the source. A write error (a full disk) rejects `drained()` and
 * `close()` rather than crashing the process; `abort()` releases the file on a failed read.
 */
export function lineWriter(path: string) {
  const out = createWriteStream(path);
  let failure: Error | undefined;
  out.on('error', (error) => {
    failure = error;
  });
  let count = 0;
  let batch: string[] = [];
  const flush = () => {
    if (batch.length && !failure) out.write(batch.join(''));
    batch = [];
  };
  return {
    path,
    /** `text` ends with its newline. */
    write(text: string): void {
      count++;
      batch.push(text);
      if (batch.length >= 10_000) flush();
    },
    count: () => count,
    async drained(): Promise<void> {
      flush();
      if (failure) throw failure;
      // `once` rejects if the stream fails while we wait.
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    async close(): Promise<void> {
      flush();
      out.end();
      await finished(out);
      if (failure) throw failure;
    },
    abort(): void {
      out.destroy();
    },
  };
}
