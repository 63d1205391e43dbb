import type { AgentThread } from '@pikku/core/agent';
import { isOwnedByPrincipal } from '@pikku/core/agent';
import { asArray, asFieldMap, asString, Batch, type BatchRef, CorruptDataError } from '@redstate/core';
import type { PikkuAgentContext } from './context.js';
import { decodeThread } from './codec.js';
import { ownerPrincipals as ownerPrincipalsOf } from './keys.js';
import { agentNamesScript, deleteThreadScript } from './scripts.js';

export async function readThread(ctx: PikkuAgentContext, threadId: string): Promise<AgentThread | null> {
  const batch = new Batch(ctx.client);
  const ref = batch.command('HGETALL', [ctx.keys.thread(threadId).data], asFieldMap);
  return decodeThread((await batch.exec()).get(ref), threadId);
}

/** Threads by id in one round trip (missing ones are left out). */
export async function readThreads(ctx: PikkuAgentContext, ids: readonly string[]): Promise<AgentThread[]> {
  if (ids.length === 0) return [];
  const batch = new Batch(ctx.client);
  const refs = ids.map((id) => batch.command('HGETALL', [ctx.keys.thread(id).data], asFieldMap));
  const results = await batch.exec();
  const out: AgentThread[] = [];
  ids.forEach((id, i) => {
    const thread = decodeThread(results.get(refs[i]!), id);
    if (thread) out.push(thread);
  });
  return out;
}

/**
 * Deletes the thread unit in one script, then its index entries in one batch. Index
 * entries of a deleted thread that survive a crash between the two are skipped by readers.
 */
export async function deleteThread(ctx: PikkuAgentContext, threadId: string): Promise<boolean> {
  const deleted = await deleteThreadScript.run(ctx.client, ctx.keys.thread(threadId).all);
  if (!deleted) return false;
  const k = ctx.keys;
  const batch = new Batch(ctx.client);
  batch.command('ZREM', [k.threads, threadId]);
  batch.command('ZREM', [k.resourceThreads(deleted.resourceId), threadId]);
  for (const p of ownerPrincipalsOf(deleted.resourceId)) batch.command('ZREM', [k.ownerThreads(p), threadId]);
  const deltas: (string | number)[] = [];
  for (const [name, count] of deleted.agents) {
    batch.command('ZREM', [k.agentThreads(name), threadId]);
    deltas.push(name, -count);
  }
  if (deltas.length > 0) batch.script(agentNamesScript, [k.agentNames], deltas);
  if (deleted.toolCalls.length > 0) batch.command('HDEL', [k.toolCalls, ...deleted.toolCalls]);
  await batch.exec();
  return true;
}

export interface ListThreadsOptions {
  agentName?: string;
  resourceId?: string;
  owners?: string[];
  limit?: number;
  offset?: number;
}

/**
 * Pages through the most selective index (owners, else resourceId, else agentName, else
 * all threads), newest created first, filtering by the other constraints. Each step is two
 * round trips (index page, thread hashes); cost follows the page, not the data size.
 */
export async function listThreads(ctx: PikkuAgentContext, options: ListThreadsOptions): Promise<AgentThread[]> {
  const { agentName, resourceId, owners } = options;
  const limit = options.limit ?? 50;
  const offset = options.offset ?? 0;
  if (owners && owners.length === 0) return [];
  const k = ctx.keys;
  const sources = owners
    ? [...new Set(owners)].map((o) => k.ownerThreads(o))
    : resourceId !== undefined
      ? [k.resourceThreads(resourceId)]
      : agentName !== undefined
        ? [k.agentThreads(agentName)]
        : [k.threads];
  const chunk = Math.max(50, (offset + limit) * 2);
  const wanted = offset + limit;
  const matched: AgentThread[] = [];
  const seen = new Set<string>();
  for (let start = 0; matched.length < wanted; start += chunk) {
    const page = new Batch(ctx.client);
    const refs = sources.map((key) => page.command('ZREVRANGE', [key, start, start + chunk - 1, 'WITHSCORES'], asScoredMembers));
    const pageResults = await page.exec();
    const candidates: { id: string; score: number }[] = [];
    let exhausted = true;
    for (const ref of refs) {
      const members = pageResults.get(ref);
      if (members.length === chunk) exhausted = false;
      candidates.push(...members);
    }
    candidates.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const fresh = candidates.filter((c) => !seen.has(c.id) && seen.add(c.id));
    const withAgents = await readThreadsWithAgent(ctx, fresh.map((c) => c.id), agentName);
    for (const { thread, hasAgent } of withAgents) {
      if (resourceId !== undefined && thread.resourceId !== resourceId) continue;
      if (owners && !owners.some((o) => isOwnedByPrincipal(thread.resourceId, o))) continue;
      if (agentName !== undefined && !hasAgent) continue;
      matched.push(thread);
    }
    if (exhausted) break;
  }
  return matched.slice(offset, offset + limit);
}

async function readThreadsWithAgent(
  ctx: PikkuAgentContext,
  ids: readonly string[],
  agentName: string | undefined,
): Promise<{ thread: AgentThread; hasAgent: boolean }[]> {
  if (ids.length === 0) return [];
  const batch = new Batch(ctx.client);
  const refs = ids.map((id) => {
    const tk = ctx.keys.thread(id);
    const data = batch.command('HGETALL', [tk.data], asFieldMap);
    const agent: BatchRef<unknown> | undefined = agentName === undefined ? undefined : batch.command('HEXISTS', [tk.agents, agentName]);
    return { id, data, agent };
  });
  const results = await batch.exec();
  const out: { thread: AgentThread; hasAgent: boolean }[] = [];
  for (const r of refs) {
    const thread = decodeThread(results.get(r.data), r.id);
    if (!thread) continue;
    out.push({ thread, hasAgent: r.agent === undefined ? true : Number(results.get(r.agent)) === 1 });
  }
  return out;
}

/** `ZRANGE ... WITHSCORES` as `{id, score}`: flat `[m, s, ...]` or nested `[[m, s], ...]` replies. */
function asScoredMembers(raw: unknown): { id: string; score: number }[] {
  const list = asArray(raw);
  const out: { id: string; score: number }[] = [];
  if (list.every(Array.isArray)) {
    for (const pair of list) {
      const [m, sc] = asArray(pair);
      out.push({ id: asString(m), score: Number(sc) });
    }
  } else {
    if (list.length % 2 !== 0) throw new CorruptDataError('unexpected WITHSCORES reply');
    for (let i = 0; i < list.length; i += 2) out.push({ id: asString(list[i]), score: Number(asString(list[i + 1])) });
  }
  for (const m of out) if (!Number.isFinite(m.score)) throw new CorruptDataError('non-numeric index score');
  return out;
}
