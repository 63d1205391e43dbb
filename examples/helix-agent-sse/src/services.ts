// The redstate stores the example runs on, all on one ioredis client and one key prefix.
import { RedisResumableStorage, RedisStateStore, RedisStreamManager } from '@redstate/agent-state';
import { RedisLockManager } from '@redstate/locks';
import { RedisUsageStore } from '@redstate/usage';
import type { Redis } from 'ioredis';

export interface ServiceOptions {
  /** Lease of a run's session lock; a crashed worker's lock frees itself after this long. */
  readonly lockTtlMs?: number;
  /** XREAD BLOCK timeout of SSE readers (ms). */
  readonly blockTimeoutMs?: number;
}

export interface Services {
  readonly prefix: string;
  readonly lockTtlMs: number;
  readonly states: RedisStateStore;
  readonly streams: RedisStreamManager;
  /** Same keys as `streams`; used to read a stream's tail without blocking. */
  readonly storage: RedisResumableStorage;
  readonly locks: RedisLockManager;
  readonly usage: RedisUsageStore;
  /** Closes the readers' own connections (never the client passed in). */
  close(): Promise<void>;
}

export const DEFAULT_LOCK_TTL_MS = 10_000;

export function createServices(client: Redis, prefix: string, options: ServiceOptions = {}): Services {
  const agentPrefix = `${prefix}:agents`;
  const streamOptions = { client, keyPrefix: agentPrefix, blockTimeout: options.blockTimeoutMs ?? 5_000 };
  const lockTtlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  const streams = new RedisStreamManager(streamOptions);
  const storage = new RedisResumableStorage(streamOptions);
  return {
    prefix,
    lockTtlMs,
    states: new RedisStateStore({ client, keyPrefix: agentPrefix }),
    streams,
    storage,
    locks: new RedisLockManager(client, { keyPrefix: `${prefix}:locks`, defaultTTLMs: lockTtlMs }),
    usage: new RedisUsageStore(client, { keyPrefix: prefix, ttlSeconds: 7 * 86_400 }),
    async close() {
      await Promise.all([streams.close(), storage.close()]);
    },
  };
}
