import { z } from 'zod';

export interface FlueRedisOptions {
  /** Namespace of every key. Default `flue` (the same namespace Flue's own adapter uses). */
  readonly keyPrefix?: string;
  /**
   * Check the server at startup with core's `inspectServer` and fail on an eviction policy
   * other than `noeviction` (or one that cannot be read). Default true.
   */
  readonly inspectServer?: boolean;
  /**
   * Retention for finished data: settled submissions older than this many milliseconds are
   * deleted, a few at a time, by later settlements. Default: kept forever.
   */
  readonly retention?: { readonly settledSubmissionsMs?: number };
}

export const optionsSchema = z
  .object({
    keyPrefix: z.string().min(1).default('flue'),
    inspectServer: z.boolean().default(true),
    retention: z
      .object({ settledSubmissionsMs: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type ResolvedOptions = z.output<typeof optionsSchema>;
