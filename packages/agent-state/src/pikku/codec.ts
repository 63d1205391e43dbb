import type { AgentMessage, AgentRunRow, AgentRunState, AgentThread, PendingApproval } from '@pikku/core/agent';
import { keepAsGiven, parseStored, parseStoredJson, toJson } from '@redstate/core';
import { z } from 'zod';

/**
 * A user's JSON object (metadata, working memory), validated but kept as given: zod's rebuilt
 * copy would drop an own "__proto__" key, which JSON.parse creates as plain data.
 */
export const userObjectSchema = keepAsGiven(z.record(z.string(), z.unknown()));
/** Fails every value: parseStored with it builds the CorruptDataError for a missing or ill-formed entry. */
const nothingSchema = z.never();

const msString = z.string().regex(/^\d+$/).transform(Number);

const storedThread = z.object({
  id: z.string().min(1),
  resourceId: z.string().min(1),
  title: z.string().optional(),
  metadata: z.string().optional(),
  createdAt: msString,
  updatedAt: msString,
});

/** A thread hash as read back; null when the hash is empty (no such thread). */
export function decodeThread(fields: Record<string, string>, threadId: string): AgentThread | null {
  if (Object.keys(fields).length === 0) return null;
  const t = parseStored(storedThread, fields, `thread ${threadId}`);
  const thread: AgentThread = {
    id: t.id,
    resourceId: t.resourceId,
    createdAt: new Date(t.createdAt),
    updatedAt: new Date(t.updatedAt),
  };
  if (t.title !== undefined) thread.title = t.title;
  if (t.metadata !== undefined) {
    thread.metadata = parseStored(userObjectSchema, parseStoredJson(t.metadata, `metadata of thread ${threadId}`), `metadata of thread ${threadId}`);
  }
  return thread;
}

const storedMessage = keepAsGiven(
  z.looseObject({
    id: z.string().min(1),
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'),
  }),
);

export function encodeMessage(message: AgentMessage): string {
  return toJson(message, `message ${message.id}`);
}

export function decodeMessage(raw: string | null, threadId: string): AgentMessage {
  if (raw === null) throw parseStored(nothingSchema, raw, `message of thread ${threadId}`);
  const m = parseStored(storedMessage, parseStoredJson(raw, `message of thread ${threadId}`), `message of thread ${threadId}`);
  return { ...m, createdAt: new Date(m.createdAt) } as AgentMessage;
}

const storedRun = z.looseObject({
  agentName: z.string(),
  threadId: z.string(),
  resourceId: z.string(),
  status: z.enum(['running', 'suspended', 'completed', 'failed', 'interrupted']),
  errorMessage: z.string().optional(),
  suspendReason: z.enum(['approval', 'credential', 'rpc-missing']).optional(),
  missingRpcs: z.array(z.string()).optional(),
  pendingApprovals: z.array(keepAsGiven(z.looseObject({ toolCallId: z.string() }))).optional(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), model: z.string() }),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** The stored run: AgentRunState without runId, dates as ms. */
export type StoredRun = Omit<AgentRunState, 'runId' | 'createdAt' | 'updatedAt'> & { createdAt: number; updatedAt: number };

export function encodeRun(run: StoredRun): string {
  const copy: Record<string, unknown> = { ...run };
  delete copy.runId;
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  if (Array.isArray(copy.pendingApprovals) && copy.pendingApprovals.length === 0) delete copy.pendingApprovals;
  return toJson(copy, 'run');
}

export function decodeStoredRun(raw: string, runId: string): StoredRun {
  const value = parseStoredJson(raw, `run ${runId}`);
  return withGivenKeys(value, parseStored(storedRun, value, `run ${runId}`)) as unknown as StoredRun;
}

/**
 * zod's output of a loose object plus every own key of the value it parsed, in their order:
 * the rebuilt copy drops an own "__proto__" key (plain data from JSON.parse). zod's values
 * win, so what it strips inside (unknown `usage` fields) stays stripped.
 */
export function withGivenKeys<T extends object>(given: unknown, parsed: T): T {
  return { ...(given as object), ...parsed };
}

export function toRunState(stored: StoredRun, runId: string): AgentRunState {
  return { ...stored, runId, createdAt: new Date(stored.createdAt), updatedAt: new Date(stored.updatedAt) };
}

export function toRunRow(stored: StoredRun, runId: string): AgentRunRow {
  const row: AgentRunRow = {
    runId,
    agentName: stored.agentName,
    threadId: stored.threadId,
    resourceId: stored.resourceId,
    status: stored.status,
    usageInputTokens: stored.usage.inputTokens,
    usageOutputTokens: stored.usage.outputTokens,
    usageModel: stored.usage.model,
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
  if (stored.errorMessage !== undefined) row.errorMessage = stored.errorMessage;
  if (stored.suspendReason !== undefined) row.suspendReason = stored.suspendReason;
  if (stored.missingRpcs !== undefined) row.missingRpcs = stored.missingRpcs;
  return row;
}

export function approvalIds(approvals: readonly PendingApproval[] | undefined): string[] {
  return (approvals ?? []).map((a) => (a as { toolCallId: string }).toolCallId);
}

const storedScore = z.object({
  scorerName: z.string(),
  score: z.number(),
  reason: z.string().optional(),
  metadata: userObjectSchema.optional(),
});

export interface DecodedScore {
  scorerName: string;
  score: number;
  reason?: string;
  metadata?: Record<string, unknown>;
  createdAt: Date;
}

/** A scores ZSET member: `<uuid>:<seq>:<ms>:<json>`. */
export function decodeScoreMember(member: string, runId: string): DecodedScore {
  const match = /^[0-9a-f-]{36}:\d{12,}:(\d+):([\s\S]*)$/.exec(member);
  if (!match) throw parseStored(nothingSchema, member, `score of run ${runId}`);
  const s = parseStored(storedScore, parseStoredJson(match[2]!, `score of run ${runId}`), `score of run ${runId}`);
  const out: DecodedScore = { scorerName: s.scorerName, score: s.score, createdAt: new Date(Number(match[1])) };
  if (s.reason !== undefined) out.reason = s.reason;
  if (s.metadata !== undefined) out.metadata = s.metadata;
  return out;
}
