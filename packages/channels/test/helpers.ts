import { keysMatching } from '@redstate/testing';
import type { Redis } from 'ioredis';

/** The server's clock in ms (what the scripts use for deadlines). */
export async function serverNow(client: Redis): Promise<number> {
  const [s, us] = await client.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** Waits until the server clock is past `ms` (no assertion on how long it takes). */
export async function waitForServerTime(client: Redis, ms: number): Promise<void> {
  while ((await serverNow(client)) <= ms) await new Promise((r) => setTimeout(r, 20));
}

/** Every key under a prefix (tests only; operations never scan). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  return (await keysMatching(client, `${prefix}*`)).sort();
}
