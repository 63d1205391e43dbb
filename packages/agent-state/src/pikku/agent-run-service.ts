import type { AgentMessage, AgentRunRow, AgentRunService, AgentThread } from '@pikku/core/agent';
import { asStringArray, type EnsureSchemaResult, idSchema, parseInput, type RedisClient } from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';
import { decodeMessage, decodeStoredRun, toRunRow } from './codec.js';
import { createContext, type PikkuAgentContext } from './context.js';
import { formatRunId } from './keys.js';
import type { PikkuAgentOptions } from './options.js';
import { getMessagesScript, listRunsScript } from './scripts.js';
import { deleteThread, type ListThreadsOptions, listThreads, readThread } from './threads.js';

const listSchema = z
  .strictObject({
    agentName: idSchema.optional(),
    resourceId: idSchema.optional(),
    owners: z.array(idSchema).max(1000).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    offset: z.number().int().min(0).max(1_000_000).optional(),
  })
  .optional();

/**
 * Pikku `AgentRunService` (the Console's read-only agent-run queries) over the layout
 * {@link RedisAgentStorageService} writes. `deleteThread` is the one write Pikku asks of it.
 */
export class RedisAgentRunService implements AgentRunService {
  private readonly ctx: PikkuAgentContext;

  constructor(client: RedisClient | RedisOptions | string, options: PikkuAgentOptions = {}) {
    this.ctx = createContext(client, options);
  }

  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ctx.ledger.ensure();
  }

  async listThreads(options?: ListThreadsOptions): Promise<AgentThread[]> {
    const opts = parseInput(listSchema, options, 'listThreads options') ?? {};
    await this.ctx.ledger.ensureOnce();
    return listThreads(this.ctx, opts);
  }

  async getThread(threadId: string): Promise<AgentThread | null> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ctx.ledger.ensureOnce();
    return readThread(this.ctx, id);
  }

  async getThreadMessages(threadId: string): Promise<AgentMessage[]> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ctx.ledger.ensureOnce();
    const tk = this.ctx.keys.thread(id);
    const raw = await getMessagesScript.run(this.ctx.client, [tk.messages, tk.messageData], ['all']);
    return raw.map((m) => decodeMessage(m, id));
  }

  /** Runs of a thread, newest first. */
  async getThreadRuns(threadId: string): Promise<AgentRunRow[]> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ctx.ledger.ensureOnce();
    const tk = this.ctx.keys.thread(id);
    const pairs = await listRunsScript.run(this.ctx.client, [tk.runs, tk.runData]);
    return pairs.map(([uuid, json]) => toRunRow(decodeStoredRun(json, formatRunId(uuid, id)), formatRunId(uuid, id))).reverse();
  }

  async deleteThread(threadId: string): Promise<boolean> {
    const id = parseInput(idSchema, threadId, 'thread id');
    await this.ctx.ledger.ensureOnce();
    return deleteThread(this.ctx, id);
  }

  /** Agent names with at least one stored run, sorted (read from a counter hash, no scan). */
  async getDistinctAgentNames(): Promise<string[]> {
    await this.ctx.ledger.ensureOnce();
    const names = asStringArray(await this.ctx.client.hkeys(this.ctx.keys.agentNames));
    return names.sort();
  }

  async close(): Promise<void> {
    await this.ctx.handle.close();
  }
}
