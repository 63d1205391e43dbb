/**
 * Runs `fn(0..count-1)` with `concurrency` calls in flight. ioredis writes concurrent
 * commands of one connection back to back, so this seeds as fast as a pipeline would.
 */
export async function forEachConcurrent(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Operations timed at one data size: fewer as the data grows, so slow peers still finish. */
export function opsAtSize(quick: boolean, size: number): number {
  const ops = Math.round((quick ? 20_000 : 200_000) / size);
  return Math.max(4, Math.min(quick ? 50 : 200, ops));
}

/** Data sizes of the scaling scenarios: 1k, 10k and 100k records (quick runs skip 100k). */
export function scalingSizes(quick: boolean): number[] {
  return quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
}
