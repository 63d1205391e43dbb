import { idSchema, keepAsGiven } from '@redstate/core';
import { z } from 'zod';

// User JSON schemas answer the value as given: zod's rebuilt copy would drop an own "__proto__"
// key (which JSON.parse makes) from contexts, actions, field maps, fields and results.
const jsonObject = keepAsGiven(z.record(z.string(), z.unknown()));

export const actionsSchema = keepAsGiven(
  z.array(
    z.looseObject({
      id: z.string(),
      label: z.string().optional(),
      style: z.enum(['primary', 'danger', 'default']).optional(),
      fields: z.record(z.string(), z.looseObject({})).optional(),
    }),
  ),
);

export const contextSchema = jsonObject;

export const statusSchema = z.enum(['pending', 'resolved']);

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time');

export const newRequestSchema = z.object({
  id: idSchema,
  token: idSchema,
  channel: idSchema,
  namespace: idSchema.optional(),
  message: z.string(),
  actions: actionsSchema,
  context: contextSchema.optional(),
  batchId: idSchema.optional(),
  batchIndex: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const resultSchema = keepAsGiven(
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('TIMED_OUT'), id: z.string(), externalRef: z.string() }),
    z.looseObject({
      type: z.literal('RESOLVED'),
      actionId: z.string(),
      id: z.string(),
      externalRef: z.string(),
      feedbacks: jsonObject,
    }),
  ]),
);

export const listFilterSchema = z
  .object({
    status: statusSchema.optional(),
    namespace: idSchema.optional(),
    limit: z.number().optional(),
    cursor: z.string().optional(),
  })
  .optional();

export const countFilterSchema = z
  .object({ status: statusSchema.optional(), namespace: idSchema.optional() })
  .optional();

export const newBatchSchema = z.object({
  id: idSchema,
  channel: idSchema,
  message: z.string().optional(),
  actions: actionsSchema.optional(),
  context: contextSchema.optional(),
});

export const newNotifySchema = z.object({
  id: idSchema,
  channel: idSchema,
  message: z.string(),
  groupId: idSchema,
});

export const timelineEntrySchema = z.object({
  id: idSchema,
  threadId: idSchema,
  message: z.string(),
  detail: contextSchema.optional(),
  createdAt: isoTime,
});

export const externalIdArgs = z.tuple([idSchema, idSchema, idSchema.optional()]);

export const optionsSchema = z.object({ tableName: z.string().optional() }).optional();
