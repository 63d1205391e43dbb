import { z } from 'zod';

/**
 * A Flue identifier (submission, attempt, owner, agent, instance, path, session key). Flue
 * sets no length limit on agent and instance ids, so this allows more than core's idSchema.
 */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(8192, 'must be at most 8192 characters')
  .refine((s) => s.isWellFormed(), 'must be well-formed unicode');

export const attemptSchema = z.object({ submissionId: idSchema, attemptId: idSchema });

export const claimSchema = attemptSchema.extend({
  ownerId: idSchema,
  leaseExpiresAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const leaseSchema = z.object({
  ownerId: idSchema,
  leaseExpiresAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const durabilitySchema = z.object({
  maxAttempts: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  timeoutAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const submissionInputSchema = z.looseObject({
  kind: z.enum(['dispatch', 'direct']),
  submissionId: idSchema,
  agent: idSchema,
  id: idSchema,
  acceptedAt: z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO timestamp'),
});

export const streamPathSchema = idSchema;

export const identitySchema = z.object({ agentName: idSchema, instanceId: idSchema });

export const offsetSchema = z.string().regex(/^(-1|now|\d+_\d+)$/, 'must be a stream offset');

/** Text of an error for the row's error column. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
