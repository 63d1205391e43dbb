import { idSchema, keepAsGiven } from '@redstate/core';
import { z } from 'zod';
import { findNonJson, type NonJson } from './json-value.js';

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

type Json = z.infer<ReturnType<typeof z.json>>;

/**
 * Any JSON value (no undefined, functions, NaN, class instances or cycles). Checked by
 * `findNonJson` instead of `z.json()`: the same values pass, the value is kept as given (zod
 * rebuilds objects and drops own `"__proto__"` keys, which JSON.parse creates as plain data
 * and users may store), and an error names the offending path.
 */
export const JsonValueSchema = z.custom<Json>().superRefine((value, ctx) => {
  addJsonIssue(value, ctx);
});

/** A JSON object (not an array or a primitive) of JSON values. */
export const JsonObjectSchema = z.custom<Record<string, Json>>().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
  } else {
    addJsonIssue(value, ctx);
  }
});

function addJsonIssue(value: unknown, ctx: z.RefinementCtx): void {
  let found: NonJson | null;
  try {
    found = findNonJson(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    found = { path: [], message: 'nested too deeply' };
  }
  if (found) ctx.addIssue({ code: 'custom', path: found.path, message: found.message });
}

/** One conversation message. Extra fields (tool calls, ids, ...) are kept as they are. */
export const MessageSchema = keepAsGiven(
  z
    .object({
      role: z.enum(['system', 'user', 'assistant', 'tool']),
      content: JsonValueSchema.optional(),
    })
    .catchall(JsonValueSchema),
);

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

const streamChunkFields = {
  type: z.string().min(1).max(256),
  agentId: z.string().optional(),
  agentType: z.string().optional(),
  timestamp: z.number().optional(),
};

/** A chunk of an agent's output stream. Any JSON object with a `type`. */
export const StreamChunkSchema = keepAsGiven(z.object(streamChunkFields).catchall(JsonValueSchema));

/**
 * Only the named fields of a chunk. Enough for a value known to be JSON (JSON.parse output,
 * or checked with JsonValueSchema first), without walking its other fields again.
 */
export const StreamChunkFieldsSchema = z.looseObject(streamChunkFields);

export const StreamStatusSchema = z.enum(['active', 'ended', 'failed']);
