import { z } from 'zod';

export interface RedisChannelStoreOptions {
  /** Namespace of every key. Default `redstate:channels`. */
  readonly keyPrefix?: string;
  /**
   * Channels idle for this long (no add/get/set/subscribe on them) are removed with their
   * state and subscriptions. 0 disables expiry. Default 0.
   */
  readonly channelTtlMs?: number;
  /** At most this many expired channels are removed per write. Default 32. */
  readonly sweepLimit?: number;
}

export const optionsSchema = z.strictObject({
  keyPrefix: z.string().min(1).optional(),
  channelTtlMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  sweepLimit: z.number().int().min(1).max(10_000).optional(),
});
