import { randomUUID } from 'node:crypto';
import type { AgentMessage, AgentRunState, AgentThread, PendingApproval } from '@pikku/core/agent';
import type { AgentRunStateService, AgentStorageService, CreateRunInput, SaveScoreInput } from '@pikku/core/services';
import type { AgentRunScore } from '@pikku/core/agent-scorer';
import {
  asNullableString,
  asStringArray,
  Batch,
  ConflictError,
  type EnsureSchemaResult,
  idSchema,
  keepAsGiven,
  parseInput,
  parseStored,
  parseStoredJson,
  type RedisClient,
  setOwn,
  toJson,
} from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';
import {
  approvalIds,
  decodeMessage,
  decodeScoreMember,
  decodeStoredRun,
  encodeMessage,
  encodeRun,
  type StoredRun,
  toRunState,
  userObjectSchema,
  withGivenKeys,
} from './codec.js';
import { createContext, type PikkuAgentContext } from './context.js';
import { AgentRunNotFoundError, AgentThreadNotFoundError } from './errors.js';
import { formatRunId, ownerPrincipals, parseRunId } from './keys.js';
import type { PikkuAgentOptions } from './options.js';
import {
  agentNamesScript,
  casRunScript,
  createRunScript,
  createThreadScript,
  getMessagesScript,
  listRunsScript,
  saveMessagesScript,
  saveScoreScript,
} from './scripts.js';
import { deleteThread, readThread, readThreads } from './threads.js';

const approvalStatusSchema = z.enum(['approved', 'denied']);
const runIdSchema = z.string().min(1);

const dateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date');
// User JSON (messages, approvals, and userObjectSchema's metadata and working memory) is
// validated but kept as given: zod's rebuilt copy would drop an own "__proto__" key.
const createThreadOptions = z
  .strictObject({
    threadId: idSchema.optional(),
    title: z.string().optional(),
    metadata: userObjectSchema.optional(),
  })
  .optional();
const messageSchema = keepAsGiven(
  z.looseObject({
    id: idSchema,
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    createdAt: dateSchema,
  }),
);
const messagesSchema = z.array(messageSchema).max(10_000);
const getMessagesOptions = z
  .strictObject({ lastN: z.number().int().min(1).optional(), cursor: z.string().optional() })
  .optional();
const scopeSchema = z.enum(['resource', 'thread']);
const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), model: z.string() });
const approvalSchema = keepAsGiven(z.looseObject({ type: z.enum(['tool-call', 'agent-call']), toolCallId: idSchema }));
const runStatus = z.enum(['running', 'suspended', 'completed', 'failed', 'interrupted']);
const createRunSchema = z.looseObject({
  agentName: idSchema,
  threadId: idSchema,
  resourceId: idSchema,
  status: runStatus,
  errorMessage: z.string().optional(),
  suspendReason: z.enum(['approval', 'credential', 'rpc-missing']).optional(),
  missingRpcs: z.array(z.string()).optional(),
  pendingApprovals: z.array(approvalSchema).optional(),
  usage: usageSchema,
  createdAt: dateSchema,
  updatedAt: dateSchema,
});
const updateRunSchema = z.looseObject({
  status: runStatus.optional(),
  errorMessage: z.string().optional(),
  suspendReason: z.enum(['approval', 'credential', 'rpc-missing']).optional(),
  missingRpcs: z.array(z.string()).optional(),
  pendingApprovals: z.array(approvalSchema).optional(),
  usage: usageSchema.optional(),
  updatedAt: dateSchema.optional(),
});
const scoreSchema = z.strictObject({
  runId: z.string().min(1),
  scorerName: idSchema,
  score: z.number().refine(Number.isFinite, 'must be finite'),
  reason: z.string().optional(),
  metadata: userObjectSchema.optional(),
});
/** Fields updateRun may not change: they place the run in its thread and indexes. */
const FIXED = new Set(['runId', 'threadId', 'agentName', 'resourceId', 'createdAt']);

/**
 * Pikku `AgentStorageService` + `AgentRunStateService` on Redis (Pikku ships no Redis
 * storage for agents). A thread with its messages, runs, scores and working memory is one
 * atomic unit (hash tag `{thread:<id>}`). Run ids are `<uuid>.<threadId>`.
 */
export class RedisAgentStorageService implements AgentStorageService, AgentRunStateService {
  private readonly ctx: PikkuAgentContext;

  constructor(client: RedisClient | RedisOptions | string, options: PikkuAgentOptions = {}) {
    this.ctx = createContext(client, options);
  }

  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ctx.ledger.ensure();
  }

  async init(): Promise<void> {
    await this.ctx.ledger.ensureOnce();
  }

  /** Two round trips: the thread unit (fails with ConflictError if the id is taken), then its indexes. */
  async createThread(
    resourceId: string,
    options?: { threadId?: string; title?: string; metadata?: Record<string, unknown> },
  ): Promise<AgentThread> {
    const resource = parseInput(idSchema, resourceId, 'resourceId');
    const opts = parseInput(createThreadOptions, options, 'createThread options') ?? {};
    const id = opts.threadId ?? randomUUID();
    const metadata = opts.metadata === undefined ? undefined : toJson(opts.metadata, 'thread metadata');
    await this.ready();
    const k = this.ctx.keys;
    const now = await createThreadScript.run(this.ctx.client, [k.thread(id).data], [
      id,
      resource,
      opts.title === undefined ? '0' : '1',
      opts.title ?? '',
      metadata === undefined ? '0' : '1',
      metadata ?? '',
    ]);
    const batch = new Batch(this.ctx.client);
    batch.command('ZADD', [k.threads, now, id]);
    batch.command('ZADD', [k.resourceThreads(resource), now, id]);
    for (const p of ownerPrincipals(resource)) batch.command('ZADD', [k.ownerThreads(p), now, id]);
    await batch.exec();
    const thread: AgentThread = { id, resourceId: resource, createdAt: new Date(now), updatedAt: new Date(now) };
    if (opts.title !== undefined) thread.title = opts.title;
    if (opts.metadata !== undefined) thread.metadata = parseStoredJson(metadata!, 'thread metadata') as Record<string, unknown>;
    return thread;
  }

  async getThread(threadId: string): Promise<AgentThread> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ready();
    const thread = await readThread(this.ctx, id);
    if (!thread) throw new AgentThreadNotFoundError(id);
    return thread;
  }

  /** Threads of one resource (exact match), newest created first. */
  async getThreads(resourceId: string): Promise<AgentThread[]> {
    const resource = parseInput(idSchema, resourceId, 'resourceId');
    await this.ready();
    const ids = asStringArray(await this.ctx.client.zrevrange(this.ctx.keys.resourceThreads(resource), 0, -1));
    return (await readThreads(this.ctx, ids)).filter((t) => t.resourceId === resource);
  }

  async deleteThread(threadId: string): Promise<void> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ready();
    await deleteThread(this.ctx, id);
  }

  async getMessages(threadId: string, options?: { lastN?: number; cursor?: string }): Promise<AgentMessage[]> {
    const id = parseInput(idSchema, threadId, 'thread id');
    const opts = parseInput(getMessagesOptions, options, 'getMessages options') ?? {};
    await this.ready();
    const tk = this.ctx.keys.thread(id);
    const args = opts.cursor !== undefined ? ['after', opts.cursor] : opts.lastN !== undefined ? ['last', opts.lastN] : ['all'];
    let raw = await getMessagesScript.run(this.ctx.client, [tk.messages, tk.messageData], args);
    if (opts.cursor !== undefined && opts.lastN !== undefined) raw = raw.slice(0, opts.lastN);
    return raw.map((m) => decodeMessage(m, id));
  }

  /** Upserts by message id in one script; the thread must exist. */
  async saveMessages(threadId: string, messages: AgentMessage[]): Promise<void> {
    const id = parseInput(idSchema, threadId, 'thread id');
    const list = parseInput(messagesSchema, messages, 'messages');
    if (list.length === 0) return;
    const args: (string | number)[] = [];
    for (const m of list) args.push(m.id, m.createdAt.getTime(), encodeMessage(m as AgentMessage));
    await this.ready();
    const tk = this.ctx.keys.thread(id);
    try {
      await saveMessagesScript.run(this.ctx.client, [tk.data, tk.messages, tk.messageData], args);
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') throw new AgentThreadNotFoundError(id);
      throw error;
    }
  }

  async getWorkingMemory(id: string, scope: 'resource' | 'thread'): Promise<Record<string, unknown> | null> {
    const key = this.memoryKey(parseInput(idSchema, id, 'working memory id'), parseInput(scopeSchema, scope, 'scope'));
    await this.ready();
    const raw = asNullableString(await this.ctx.client.get(key));
    if (raw === null) return null;
    return parseStored(userObjectSchema, parseStoredJson(raw, `working memory ${scope}:${id}`), `working memory ${scope}:${id}`);
  }

  async saveWorkingMemory(id: string, scope: 'resource' | 'thread', data: Record<string, unknown>): Promise<void> {
    const key = this.memoryKey(parseInput(idSchema, id, 'working memory id'), parseInput(scopeSchema, scope, 'scope'));
    const json = toJson(parseInput(userObjectSchema, data, 'working memory'), 'working memory');
    await this.ready();
    await this.ctx.client.set(key, json);
  }

  /** One round trip: the run in its thread's unit, plus the agent and tool-call indexes. */
  async createRun(run: CreateRunInput): Promise<string> {
    const input = parseInput(createRunSchema, run, 'run');
    const uuid = randomUUID();
    const runId = formatRunId(uuid, input.threadId);
    const stored = {
      ...withGivenKeys(run, input),
      createdAt: input.createdAt.getTime(),
      updatedAt: input.updatedAt.getTime(),
    } as StoredRun;
    const json = encodeRun(stored);
    const toolCalls = approvalIds(stored.pendingApprovals);
    await this.ready();
    const k = this.ctx.keys;
    const tk = k.thread(input.threadId);
    const batch = new Batch(this.ctx.client);
    batch.script(createRunScript, [tk.runs, tk.runData, tk.runVersions, tk.agents, tk.toolCalls], [
      uuid,
      stored.createdAt,
      json,
      input.agentName,
      ...toolCalls,
    ]);
    batch.command('ZADD', [k.agentThreads(input.agentName), 'NX', stored.createdAt, input.threadId]);
    batch.script(agentNamesScript, [k.agentNames], [input.agentName, 1]);
    for (const tc of toolCalls) batch.command('HSET', [k.toolCalls, tc, runId]);
    await batch.exec();
    return runId;
  }

  /** Optimistic read-modify-write (two round trips, retried on a concurrent update). */
  async updateRun(runId: string, updates: Partial<AgentRunState>): Promise<void> {
    const patch = withGivenKeys(updates, parseInput(updateRunSchema, updates, 'run updates')) as Record<string, unknown>;
    const keysGiven = Object.keys(updates ?? {});
    await this.modifyRun(runId, (current) => {
      const next: Record<string, unknown> = { ...current };
      for (const key of keysGiven) {
        if (FIXED.has(key)) continue;
        const value = patch[key];
        if (value === undefined) delete next[key];
        else setOwn(next, key, value instanceof Date ? value.getTime() : value);
      }
      if (!keysGiven.includes('updatedAt')) next.updatedAt = Date.now();
      return next as StoredRun;
    });
  }

  async getRun(runId: string): Promise<AgentRunState | null> {
    const found = await this.readRun(runId);
    return found ? toRunState(found.run, runId) : null;
  }

  async getRunsByThread(threadId: string): Promise<AgentRunState[]> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ready();
    const tk = this.ctx.keys.thread(id);
    const pairs = await listRunsScript.run(this.ctx.client, [tk.runs, tk.runData]);
    return pairs.map(([uuid, json]) => {
      const runId = formatRunId(uuid, id);
      return toRunState(decodeStoredRun(json, runId), runId);
    });
  }

  /** Claims a pending approval exactly once across processes: true for the one caller that removed it. */
  async resolveApproval(toolCallId: string, _status: 'approved' | 'denied'): Promise<boolean> {
    const tc = parseInput(idSchema, toolCallId, 'toolCallId');
    parseInput(approvalStatusSchema, _status, 'approval status');
    await this.ready();
    const runId = asNullableString(await this.ctx.client.hget(this.ctx.keys.toolCalls, tc));
    if (runId === null) return false;
    let claimed = false;
    try {
      await this.modifyRun(runId, (current) => {
        const pending = (current.pendingApprovals ?? []) as PendingApproval[];
        const rest = pending.filter((a) => a.toolCallId !== tc);
        claimed = rest.length !== pending.length;
        if (!claimed) return null;
        const next: StoredRun = { ...current, updatedAt: Date.now() };
        if (rest.length === 0) delete next.pendingApprovals;
        else next.pendingApprovals = rest;
        return next;
      });
    } catch (error) {
      if (error instanceof AgentRunNotFoundError) return false;
      throw error;
    }
    return claimed;
  }

  async findRunByToolCallId(toolCallId: string): Promise<{ run: AgentRunState; approval: PendingApproval } | null> {
    const tc = parseInput(idSchema, toolCallId, 'toolCallId');
    await this.ready();
    const runId = asNullableString(await this.ctx.client.hget(this.ctx.keys.toolCalls, tc));
    if (runId === null) return null;
    const run = await this.getRun(runId);
    const approval = run?.pendingApprovals?.find((a) => a.toolCallId === tc);
    return run && approval ? { run, approval } : null;
  }

  async saveScore(score: SaveScoreInput): Promise<void> {
    const input = parseInput(scoreSchema, score, 'score');
    const parsed = parseRunId(input.runId);
    if (!parsed) throw new AgentRunNotFoundError(input.runId);
    const { runId: _, ...rest } = input;
    await this.ready();
    const tk = this.ctx.keys.thread(parsed.threadId);
    try {
      await saveScoreScript.run(this.ctx.client, [tk.runData, tk.scores, tk.scoreSeq], [parsed.uuid, toJson(rest, 'score')]);
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') throw new AgentRunNotFoundError(input.runId);
      throw error;
    }
  }

  /** Scores of a run in the order they were saved (re-grades append). */
  async getScores(runId: string): Promise<AgentRunScore[]> {
    const id = parseInput(runIdSchema, runId, 'run id');
    const parsed = parseRunId(id);
    if (!parsed) return [];
    await this.ready();
    const tk = this.ctx.keys.thread(parsed.threadId);
    const members = asStringArray(await this.ctx.client.zrangebylex(tk.scores, `[${parsed.uuid}:`, `(${parsed.uuid};`));
    return members.map((m) => ({ runId: id, ...decodeScoreMember(m, id) }));
  }

  async close(): Promise<void> {
    await this.ctx.handle.close();
  }

  private memoryKey(id: string, scope: 'resource' | 'thread'): string {
    return scope === 'thread' ? this.ctx.keys.thread(id).memory : this.ctx.keys.resourceMemory(id);
  }

  private async readRun(runId: string): Promise<{ run: StoredRun; version: string } | null> {
    const id = parseInput(runIdSchema, runId, 'run id');
    const parsed = parseRunId(id);
    if (!parsed) return null;
    await this.ready();
    const tk = this.ctx.keys.thread(parsed.threadId);
    const batch = new Batch(this.ctx.client);
    const data = batch.command('HGET', [tk.runData, parsed.uuid], asNullableString);
    const version = batch.command('HGET', [tk.runVersions, parsed.uuid], asNullableString);
    const results = await batch.exec();
    const json = results.get(data);
    const v = results.get(version);
    if (json === null || v === null) return null;
    return { run: decodeStoredRun(json, id), version: v };
  }

  /** `change` returns the new run, or null to write nothing. Retries on a concurrent write. */
  private async modifyRun(runId: string, change: (current: StoredRun) => StoredRun | null): Promise<void> {
    const parsed = parseRunId(runId);
    if (!parsed) throw new AgentRunNotFoundError(runId);
    const tk = this.ctx.keys.thread(parsed.threadId);
    for (let attempt = 0; attempt < this.ctx.maxCasRetries; attempt++) {
      const found = await this.readRun(runId);
      if (!found) throw new AgentRunNotFoundError(runId);
      const next = change(found.run);
      if (next === null) return;
      const json = encodeRun(next);
      const added = approvalIds(next.pendingApprovals).filter((tc) => !approvalIds(found.run.pendingApprovals).includes(tc));
      const batch = new Batch(this.ctx.client);
      const cas = batch.script(casRunScript, [tk.runData, tk.runVersions, tk.toolCalls], [parsed.uuid, found.version, json, ...added]);
      for (const tc of added) batch.command('HSET', [this.ctx.keys.toolCalls, tc, runId]);
      const results = await batch.exec();
      if (results.get(cas) > 0) return;
    }
    throw new ConflictError(`run ${runId} kept changing under ${this.ctx.maxCasRetries} update attempts`);
  }

  private async ready(): Promise<void> {
    await this.ctx.ledger.ensureOnce();
  }
}
