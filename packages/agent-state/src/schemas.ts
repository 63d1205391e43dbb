import { idSchema } from '@redstate/core';
import { z } from 'zod';

/** Lifecycle of an agent session. */
export const AGENT_STATUSES = [
  'pending',
  'running',
  'paused',
  'waiting_for_input',
  'interrupted',
  'completed',
  'failed',
  'cancelled',
] as const;

export const AgentStatusSchema = z.enum(AGENT_STATUSES);

/**
 * Validates with `schema` but keeps the value as given: zod rebuilds objects and drops own
 * `"__proto__"` keys, which JSON.parse creates as plain data and users may store.
 */
function keepAsGiven<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z.custom<T>().superRefine((value, ctx) => {
    const result = schema.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue } as never);
  });
}

/** Any JSON value (no undefined, functions, NaN or cycles). */
export const JsonValueSchema = keepAsGiven(z.json());

export const JsonObjectSchema = keepAsGiven(z.record(z.string(), z.json()));

/** One conversation message. Extra fields (tool calls, ids, ...) are kept as they are. */
export const MessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: JsonValueSchema.optional(),
  })
  .catchall(JsonValueSchema);

/** What `saveState` accepts. `messages`, when given, is the full history (see README). */
export const AgentStateInputSchema = z.object({
  sessionId: idSchema,
  agentType: z.string().min(1).max(256),
  status: AgentStatusSchema,
  stepCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  customState: JsonObjectSchema,
  messages: z.array(MessageSchema).optional(),
  streamId: idSchema.optional(),
  parentSessionId: idSchema.optional(),
  output: JsonValueSchema.optional(),
  error: z.string().optional(),
  metadata: JsonObjectSchema.optional(),
});

/** The state as stored and loaded back: what `loadState` returns. */
export const AgentStateSchema = AgentStateInputSchema.extend({
  messages: z.array(MessageSchema),
  resumeCount: z.number().int().min(0),
  version: z.number().int().min(1),
  createdAt: z.number().int().min(0),
  updatedAt: z.number().int().min(0),
});

/** The stored `doc` field: everything of the state that has no dedicated hash field. */
export const StoredDocSchema = AgentStateInputSchema.omit({ status: true, stepCount: true, customState: true, messages: true });

export const JsonPatchOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: JsonValueSchema }),
  z.object({ op: z.literal('replace'), path: z.string(), value: JsonValueSchema }),
  z.object({ op: z.literal('test'), path: z.string(), value: JsonValueSchema }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('move'), path: z.string(), from: z.string() }),
  z.object({ op: z.literal('copy'), path: z.string(), from: z.string() }),
]);

export const StagedChangeSchema = z.object({
  toolCallId: idSchema,
  patches: z.array(JsonPatchOperationSchema),
  mergeChanges: JsonObjectSchema.optional(),
  timestamp: z.number().int().min(0),
});

export const CheckpointSchema = z.object({
  id: z.string().startsWith('cpv1-'),
  sessionId: idSchema,
  stepCount: z.number().int().min(0),
  messageCount: z.number().int().min(0),
  createdAt: z.number().int().min(0),
  state: AgentStateInputSchema.omit({ messages: true }),
});

/** A chunk of an agent's output stream. Any JSON object with a `type`. */
export const StreamChunkSchema = z
  .object({
    type: z.string().min(1).max(256),
    agentId: z.string().optional(),
    agentType: z.string().optional(),
    timestamp: z.number().optional(),
  })
  .catchall(JsonValueSchema);

export const StreamStatusSchema = z.enum(['active', 'ended', 'failed']);
