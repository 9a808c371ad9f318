import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineWriter } from '../pipeline/sources/line-writer.ts';
import { scratchDir } from './helpers.ts';

describe('lineWriter', () => {
  it('writes every line, in order, across batches', async () => {
    const path = join(await scratchDir(), 'lines.txt');
    const writer = lineWriter(path);
    for (let index = 0; index < 25_000; index++) {
      writer.write(`${index}\n`);
      if (index % 7_000 === 0) await writer.drained();
    }
    await writer.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(writer.count()).toBe(25_000);
    expect(lines).toHaveLength(25_001);
    expect(lines[24_999]).toBe('24999');
  });

  it('fails the read with the write error instead of crashing the process', async () => {
    const writer = lineWriter(join(await scratchDir(), 'missing-folder', 'lines.txt'));
    writer.write('a\n');
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
    const other = lineWriter(join(await scratchDir(), 'missing-folder', 'lines.txt'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(other.drained()).rejects.toThrow(/ENOENT/);
    other.abort();
  });
});
