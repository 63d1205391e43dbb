import { idSchema } from '@redstate/core';
import { z } from 'zod';

/** Longest lease accepted: 7 days. Longer leases hide crashed holders for too long. */
export const MAX_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Longest `waitMs` accepted: 1 hour. */
export const MAX_WAIT_MS = 60 * 60 * 1000;
export const MAX_SEMAPHORE_LIMIT = 1_000_000;

export const ttlSchema = z
  .number()
  .int('must be an integer number of milliseconds')
  .min(1, 'must be at least 1 ms')
  .max(MAX_TTL_MS, `must be at most ${MAX_TTL_MS} ms (7 days)`);

export const waitSchema = z.number().int().min(0).max(MAX_WAIT_MS, `must be at most ${MAX_WAIT_MS} ms (1 hour)`);

const signalSchema = z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal');

export const managerOptionsSchema = z
  .object({
    keyPrefix: z.string().min(1).optional(),
    defaultTTLMs: ttlSchema.optional(),
  })
  .strict();

export const acquireOptionsSchema = z
  .object({
    ttlMs: ttlSchema.optional(),
    owner: idSchema.optional(),
    waitMs: waitSchema.optional(),
    retryDelayMs: z.number().int().min(1).max(60_000).optional(),
    signal: signalSchema.optional(),
  })
  .strict();

export const withLockOptionsSchema = acquireOptionsSchema
  .extend({
    refreshIntervalMs: z.number().int().min(1).max(MAX_TTL_MS).optional(),
  })
  .strict();

export const limitSchema = z.number().int().min(1).max(MAX_SEMAPHORE_LIMIT);

export const fencingTokenSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
