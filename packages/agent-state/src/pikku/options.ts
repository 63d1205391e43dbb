import { z } from 'zod';

export interface PikkuAgentOptions {
  /** Namespace of every key. Default `ai` (keys read `ai:threads`, `ai:{thread:<id>}:data`, ...). */
  readonly keyPrefix?: string;
  /** Retries of an optimistic run update (`updateRun`, `resolveApproval`) before giving up. Default 50. */
  readonly maxCasRetries?: number;
}

export const pikkuOptionsSchema = z.strictObject({
  keyPrefix: z.string().min(1).optional(),
  maxCasRetries: z.number().int().min(1).max(10_000).optional(),
});
