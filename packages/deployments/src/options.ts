import type { JWTService, SecretService } from '@pikku/core';
import { z } from 'zod';

export interface RedisDeploymentServiceOptions {
  /** Namespace of every key. Default `redstate:deployments`. */
  readonly keyPrefix?: string;
  /** At most this many expired deployments are removed per heartbeat. Default 32. */
  readonly sweepLimit?: number;
  /** Signs the session for `pikkuRemoteAuthMiddleware` on the receiving end (with `secrets`). */
  readonly jwt?: JWTService;
  /** Holds `PIKKU_REMOTE_SECRET`; without it `invoke` sends no authorization header. */
  readonly secrets?: SecretService;
  /** HTTP client for `invoke`. Default global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Called when a background heartbeat fails (it is retried on the next interval). */
  readonly onHeartbeatError?: (error: unknown) => void;
}

export const configSchema = z.object({
  heartbeatInterval: z.number().int().positive().max(86_400_000).optional(),
  heartbeatTtl: z.number().int().positive().max(86_400_000).optional(),
});

export const optionsSchema = z.object({
  keyPrefix: z.string().min(1).optional(),
  sweepLimit: z.number().int().min(1).max(10_000).optional(),
  jwt: z.unknown().optional(),
  secrets: z.unknown().optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
  onHeartbeatError: z.custom<(error: unknown) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});
