import { z } from 'zod';
import { AgentStatusSchema, MessageSchema, StagedChangeSchema } from './schemas.js';

/** Input schemas of RedisStateStore's options and method arguments. */

// Lua compares tokens as doubles, so only integers up to 2^53 compare exactly.
export const fencingTokenSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^\d{1,16}$/)
    .refine((t) => Number(t) <= Number.MAX_SAFE_INTEGER, 'must be at most Number.MAX_SAFE_INTEGER'),
]);
export const saveOptionsSchema = z.object({
  fencingToken: fencingTokenSchema.optional(),
  checkpoint: z.enum(['auto', 'always', 'never']).optional(),
  messages: z.enum(['sync', 'replace']).optional(),
});
export const writeOptionsSchema = z.object({ fencingToken: fencingTokenSchema.optional() });
export const getMessagesSchema = z.object({
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
});
export const listCheckpointsSchema = z.object({
  limit: z.number().int().min(1).max(1000).optional(),
  cursor: z.string().regex(/^\d{1,16}$/, 'must be a nextCursor from a previous page').optional(),
});
export const checkpointIdSchema = z.string().startsWith('cpv1-').max(2048);
export const optionsSchema = z.object({
  ttl: z.number().int().min(0).max(2 ** 31).optional(),
  maxCheckpoints: z.number().int().min(1).max(100_000).optional(),
  promoteRetries: z.number().int().min(1).max(1000).optional(),
});
export const MAX_MESSAGES_PER_CALL = 100_000;
export const appendedMessagesSchema = z.array(MessageSchema).max(MAX_MESSAGES_PER_CALL);
export const expectedStatusesSchema = z.array(AgentStatusSchema).min(1);
/** The stored staging list (read back, so parsed with parseStored). */
export const stagedChangesSchema = z.array(StagedChangeSchema);
