import { randomUUID } from 'node:crypto';
import { LockLostError, mapRedisError, type RedisClient } from '@redstate/core';
import { LockTimeoutError } from './errors.js';
import { lockRelease, lockRenew } from './scripts.js';

export interface LeaseOptions {
  readonly ttlMs: number;
  readonly waitMs: number;
}

/**
 * Runs `fn` while holding a lease on `key` (SET NX PX plus a renewal every third of the
 * lease). Waits for a held lease up to `waitMs`. If the lease is lost while `fn` runs (the
 * process stalled past the lease, or Redis lost the key), the result is replaced by a
 * LockLostError, because another worker may have acted on the same run meanwhile.
 */
export async function withLease<T>(client: RedisClient, key: string, options: LeaseOptions, fn: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  await acquire(client, key, token, options);
  let lost = false;
  const timer = setInterval(() => {
    lockRenew.run(client, [key], [token, options.ttlMs]).then(
      (held) => {
        if (held === 0) lost = true;
      },
      () => {},
    );
  }, Math.max(10, Math.floor(options.ttlMs / 3)));
  timer.unref();
  let result: T;
  try {
    result = await fn();
  } finally {
    clearInterval(timer);
    const released = await lockRelease.run(client, [key], [token]).catch(() => 0);
    if (released === 0) lost = true;
  }
  if (lost) throw new LockLostError(`lease on ${key} was lost while its holder was running`, { details: { key } });
  return result;
}

async function acquire(client: RedisClient, key: string, token: string, options: LeaseOptions): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    let reply: string | null;
    try {
      reply = await client.set(key, token, 'PX', options.ttlMs, 'NX');
    } catch (error) {
      throw mapRedisError(error);
    }
    if (reply === 'OK') return;
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`lock ${key} stayed held for more than ${options.waitMs} ms`, { details: { key } });
    }
    const backoff = Math.min(100, 2 * 2 ** Math.min(attempt, 6));
    await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random())));
  }
}
