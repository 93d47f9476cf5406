/**
 * Provably fair, reproducible sampling for callbacks (随机电话回访).
 * 1. Before the draw the coordinator publishes commitment(seed) = SHA-256 of the seed text.
 * 2. Each id's rank is HMAC-SHA256(key = seed text, message = id); the sample is the ids with the
 *    lowest ranks. Anyone given the seed afterwards can check it against the commitment and redo
 *    the draw, e.g. `printf %s "$ID" | openssl dgst -sha256 -hmac "$SEED"`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SEED = /^[0-9a-f]{64}$/;

/** 32 random bytes, hex. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** SHA-256 (hex) of the seed text, published before the draw. */
export function commitment(seed: string): string {
  assertSeed(seed);
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

export function verifyCommitment(seed: string, published: string): boolean {
  if (!SEED.test(seed) || !/^[0-9a-f]{64}$/i.test(published)) return false;
  return timingSafeEqual(Buffer.from(commitment(seed), 'hex'), Buffer.from(published, 'hex'));
}

/** HMAC-SHA256(seed, id), hex: lower ranks are drawn first. */
export function rankOf(seed: string, id: string): string {
  assertSeed(seed);
  return createHmac('sha256', seed).update(id, 'utf8').digest('hex');
}

/** The `size` distinct ids with the lowest rank, in rank order; independent of the input order. */
export function drawSample(seed: string, ids: readonly string[], size: number): string[] {
  assertSeed(seed);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('drawSample: size must be a whole number ≥ 0');
  return rankOrder(seed, ids).slice(0, size);
}

/** All distinct ids, lowest rank first (ties, never seen in practice, by id); independent of the input order. */
export function rankOrder(seed: string, ids: Iterable<string>): string[] {
  assertSeed(seed);
  return [...new Set(ids)]
    .map((id) => ({ id, rank: rankOf(seed, id) }))
    .sort((a, b) => compare(a.rank, b.rank) || compare(a.id, b.id))
    .map((entry) => entry.id);
}

export interface SampleSizeOptions {
  /** Share of the population to call back (default 5%). */
  rate?: number;
  /** Never fewer than this many, population permitting (default 1). */
  minimum?: number;
}

/** max(min(population, minimum), ceil(population × rate)). */
export function sampleSize(population: number, { rate = 0.05, minimum = 1 }: SampleSizeOptions = {}): number {
  if (!Number.isSafeInteger(population) || population < 0) throw new RangeError('sampleSize: population must be a whole number ≥ 0');
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('sampleSize: rate must be between 0 and 1');
  if (!Number.isSafeInteger(minimum) || minimum < 0) throw new RangeError('sampleSize: minimum must be a whole number ≥ 0');
  // toPrecision absorbs binary noise such as 100 × 0.07 = 7.000000000000001.
  const byRate = Math.ceil(Number((population * rate).toPrecision(12)));
  return Math.max(Math.min(population, minimum), byRate);
}

function assertSeed(seed: string): void {
  if (!SEED.test(seed)) throw new RangeError('sampling: the seed must be 64 lowercase hex characters (newSeed)');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
