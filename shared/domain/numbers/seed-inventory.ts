/**
 * A realistic demo inventory, the same on every run: per segment a spread of ordinary numbers (a seeded
 * pseudo-random generator, never Math.random) plus hand-picked vanity numbers of every tier.
 */
import { SEGMENTS, type Segment } from './config.js';

const VANITY_SUFFIXES = [
  '888888',
  '666666',
  '123456',
  '654321',
  '988888',
  '577777',
  '777770',
  '912345',
  '121212',
  '232323',
  '112233',
  '889900',
  '111222',
  '666888',
  '306666',
  '209999',
  '234569',
  '123123',
  '168168',
  '520520',
  '502345',
  '239876',
  '999920',
  '201888',
  '310555',
  '301122',
  '301212',
  '302020',
  '555310',
  '112230',
  '301221',
  '301998',
  '952025',
  '302168',
  '730518',
  '896968',
  '008888',
  '518518',
  '100086',
  '200808',
];

/** mulberry32: a tiny deterministic PRNG, so the seed is reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoInventory(perSegment = 600, segments: readonly Segment[] = SEGMENTS): string[] {
  const random = prng(400);
  const numbers = new Set<string>();
  for (const segment of segments) {
    const mine = new Set(VANITY_SUFFIXES.map((suffix) => `${segment}${suffix}`));
    while (mine.size < perSegment)
      mine.add(`${segment}${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}`);
    for (const number of mine) numbers.add(number);
  }
  return [...numbers].sort();
}
