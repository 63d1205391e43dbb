import type { Redis } from 'ioredis';

/** The server's `used_memory`; deltas over many records give bytes per record for any layout. */
export async function usedMemory(admin: Redis): Promise<number> {
  const match = /used_memory:(\d+)/.exec(await admin.info('memory'));
  return Number(match?.[1] ?? 0);
}

/** Runs `fn`, which stores `records` new records, and returns the memory they take each. */
export async function bytesPerRecord<T>(admin: Redis, records: number, fn: () => Promise<T>): Promise<{ value: T; bytes: number }> {
  const before = await usedMemory(admin);
  const value = await fn();
  const after = await usedMemory(admin);
  return { value, bytes: Math.max(0, (after - before) / records) };
}
