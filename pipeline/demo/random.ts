/**
 * Seeded randomness for the demo: the same seed and keys give the same numbers on every
 * machine, and each stream is keyed (seed, purpose, date…) so generating one day never depends
 * on which other days were generated before.
 */

/** 32-bit FNV-1a over the joined keys, mixed once more so nearby keys diverge. */
export function hashKeys(...keys: Array<string | number>): number {
  let hash = 0x811c9dc5;
  const text = keys.join('\u0001');
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/**
 * mulberry32: tiny, fast and good enough for synthetic data. A class, not closures: the
 * generator makes one per call and closures would dominate the run time.
 */
export class Random {
  private state: number;

  constructor(...keys: Array<string | number>) {
    this.state = hashKeys(...keys);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += weight(item);
    let roll = this.next() * total;
    for (const item of items) {
      roll -= weight(item);
      if (roll < 0) return item;
    }
    return items[items.length - 1]!;
  }

  /** Normal(mean, sd), Box–Muller. */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

export function createRandom(...keys: Array<string | number>): Random {
  return new Random(...keys);
}
