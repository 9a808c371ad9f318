import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import fs from 'fs-extra';

/**
 * Builds the site in a temporary sibling folder and swaps it in only when `build` succeeded, so a
 * failed build leaves the last good site untouched (and never a half-written one).
 */
export async function publishAtomically(out: string, build: (staging: string) => Promise<void>): Promise<void> {
  const target = resolve(out);
  const suffix = randomBytes(4).toString('hex');
  const staging = join(dirname(target), `.${basename(target)}.building-${suffix}`);
  const retired = join(dirname(target), `.${basename(target)}.old-${suffix}`);
  await fs.ensureDir(dirname(target));
  await fs.ensureDir(staging);
  try {
    await build(staging);
  } catch (error) {
    await fs.remove(staging);
    throw error;
  }
  const hadSite = await fs.pathExists(target);
  if (hadSite) await fs.rename(target, retired);
  try {
    await fs.rename(staging, target);
  } catch (error) {
    if (hadSite) await fs.rename(retired, target);
    await fs.remove(staging);
    throw error;
  }
  if (hadSite) await fs.remove(retired);
}
