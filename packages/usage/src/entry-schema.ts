import { idSchema, keepAsGiven } from '@redstate/core';
import { z } from 'zod';

/** Largest token count, duration or step accepted in one entry (keeps rollup sums far from int64 overflow). */
export const MAX_COUNT = 1_000_000_000_000;

const count = z.number().int().min(0).max(MAX_COUNT);
const label = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const ENTRY_KINDS = ['tokens', 'tool', 'subagent', 'custom'] as const;
export type UsageEntryKind = (typeof ENTRY_KINDS)[number];

export const usageSourceSchema = z.strictObject({
  type: label,
  name: label,
});

const common = {
  /** Unique within the session; a retry with the same id never counts twice. Generated when absent. */
  id: idSchema.optional(),
  sessionId: idSchema,
  runId: idSchema.optional(),
  stepCount: count,
  /** Milliseconds since the epoch; defaults to the time of the call. */
  timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  source: usageSourceSchema,
  /** Stored as opaque JSON, returned as written. */
  // keepAsGiven: z.record answers a copy without an own "__proto__" key (JSON.parse makes one).
  metadata: keepAsGiven(z.record(z.string(), z.unknown())).optional(),
};

export const tokenCountsSchema = z.strictObject({
  prompt: count,
  completion: count,
  reasoning: count.optional(),
  cached: count.optional(),
  /** Defaults to prompt + completion. */
  total: count.optional(),
});

export const tokensEntrySchema = z.strictObject({
  ...common,
  kind: z.literal('tokens'),
  model: label,
  tokens: tokenCountsSchema,
});

export const toolEntrySchema = z.strictObject({
  ...common,
  kind: z.literal('tool'),
  toolName: label,
  success: z.boolean(),
  durationMs: count.optional(),
  error: z.string().max(10_000).optional(),
});

export const subAgentEntrySchema = z.strictObject({
  ...common,
  kind: z.literal('subagent'),
  agentName: label,
  /** The sub-agent's own usage session; `getRollup({ includeSubAgents: true })` follows it. */
  subSessionId: idSchema,
  success: z.boolean().optional(),
  durationMs: count.optional(),
});

export const customEntrySchema = z.strictObject({
  ...common,
  kind: z.literal('custom'),
  name: label,
  value: z.number().finite().min(-1e300).max(1e300),
  unit: label.optional(),
});

/** What `recordEntry` accepts: one of the four kinds, checked per kind. */
export const usageEntryInputSchema = z.discriminatedUnion('kind', [
  tokensEntrySchema,
  toolEntrySchema,
  subAgentEntrySchema,
  customEntrySchema,
]);

export type UsageEntryInput = z.input<typeof usageEntryInputSchema>;
export type TokensEntryInput = z.input<typeof tokensEntrySchema>;
export type ToolEntryInput = z.input<typeof toolEntrySchema>;
export type SubAgentEntryInput = z.input<typeof subAgentEntrySchema>;
export type CustomEntryInput = z.input<typeof customEntrySchema>;

const stored = { id: idSchema, timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) };

/** What is stored and read back: `id` and `timestamp` are always present. */
export const usageEntrySchema = z.discriminatedUnion('kind', [
  tokensEntrySchema.extend(stored),
  toolEntrySchema.extend(stored),
  subAgentEntrySchema.extend(stored),
  customEntrySchema.extend(stored),
]);

export type UsageEntry = z.output<typeof usageEntrySchema>;
export type TokensEntry = Extract<UsageEntry, { kind: 'tokens' }>;
export type ToolEntry = Extract<UsageEntry, { kind: 'tool' }>;
export type SubAgentEntry = Extract<UsageEntry, { kind: 'subagent' }>;
export type CustomEntry = Extract<UsageEntry, { kind: 'custom' }>;
