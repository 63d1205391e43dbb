import { ConflictError, ValidationError, verifyScripts } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore, type UsageEntryInput, usageScripts } from '../src/index.js';
import { tokens } from './helpers.js';

describe('RedisUsageStore contract', () => {
  const redis = useTestRedis('usage');
  const store = (ttlSeconds?: number) => new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix(), ttlSeconds });

  it('records entries of every kind and rolls them up', async () => {
    const s = store();
    const sid = 'session-123';
    const base = { sessionId: sid, source: { type: 'agent', name: 'a' } };
    await s.recordEntry({ ...base, kind: 'tokens', stepCount: 1, timestamp: 1000, model: 'gpt-4o', tokens: { prompt: 100, completion: 50 } });
    await s.recordEntry({ ...base, kind: 'tokens', stepCount: 2, timestamp: 2000, model: 'o3', tokens: { prompt: 10, completion: 5, reasoning: 3, cached: 2, total: 20 } });
    await s.recordEntry({ ...base, kind: 'tool', stepCount: 2, timestamp: 2500, toolName: 'search', success: true, durationMs: 40 });
    await s.recordEntry({ ...base, kind: 'tool', stepCount: 3, timestamp: 3000, toolName: 'search', success: false, durationMs: 60, error: 'boom' });
    await s.recordEntry({ ...base, kind: 'subagent', stepCount: 3, timestamp: 3100, agentName: 'researcher', subSessionId: 'child-1', durationMs: 7 });
    await s.recordEntry({ ...base, kind: 'custom', stepCount: 4, timestamp: 4000, name: 'cost.usd', value: 0.25, unit: 'usd' });
    await s.recordEntry({ ...base, kind: 'custom', stepCount: 5, timestamp: 500, name: 'cost.usd', value: -0.5 });

    const rollup = await s.getRollup(sid);
    expect(rollup).toEqual({
      sessionId: sid,
      entryCount: 7,
      firstTimestamp: 500,
      lastTimestamp: 4000,
      maxStep: 5,
      tokens: {
        prompt: 110, completion: 55, reasoning: 3, cached: 2, total: 170, calls: 2,
        byModel: {
          'gpt-4o': { prompt: 100, completion: 50, reasoning: 0, cached: 0, total: 150, calls: 1 },
          o3: { prompt: 10, completion: 5, reasoning: 3, cached: 2, total: 20, calls: 1 },
        },
      },
      tools: { calls: 2, successes: 1, failures: 1, durationMs: 100, byTool: { search: { calls: 2, successes: 1, failures: 1, durationMs: 100 } } },
      subAgents: { calls: 1, successes: 1, failures: 0, durationMs: 7, byAgent: { researcher: 1 }, bySession: { 'child-1': 1 } },
      custom: { 'cost.usd': { count: 2, sum: -0.25, min: -0.5, max: 0.25 } },
      includedSessionIds: [sid],
      missingSessionIds: [],
      truncated: false,
    });
    expect(await s.getEntryCount(sid)).toBe(7);
    expect(await s.exists(sid)).toBe(true);
    const entries = await s.getEntries(sid);
    expect(entries.map((e) => e.timestamp)).toEqual([500, 1000, 2000, 2500, 3000, 3100, 4000]);
    expect(entries.find((e) => e.kind === 'tool' && !e.success)).toMatchObject({ error: 'boom', toolName: 'search' });
  });

  it('returns null / 0 / false / [] for an unknown session', async () => {
    const s = store();
    expect(await s.getRollup('nope')).toBeNull();
    expect(await s.getEntryCount('nope')).toBe(0);
    expect(await s.exists('nope')).toBe(false);
    expect(await s.getEntries('nope')).toEqual([]);
    expect(await s.delete('nope')).toBe(false);
  });

  it('is idempotent by entry id: a retry never counts twice', async () => {
    const s = store();
    const entry = tokens('retry', { id: 'e-1' });
    expect(await s.recordEntry(entry)).toEqual({ id: 'e-1', recorded: true });
    expect(await s.recordEntry(entry)).toEqual({ id: 'e-1', recorded: false });
    await Promise.all(Array.from({ length: 20 }, () => s.recordEntry(entry)));
    expect(await s.getEntryCount('retry')).toBe(1);
    expect((await s.getRollup('retry'))?.tokens.total).toBe(150);
    expect(await s.getEntries('retry')).toHaveLength(1);
  });

  it('rejects an id reused with a different body (ConflictError, nothing changed)', async () => {
    const s = store();
    await s.recordEntry(tokens('conflict', { id: 'same', timestamp: 1 }));
    const before = await s.getRollup('conflict');
    await expect(s.recordEntry(tokens('conflict', { id: 'same', timestamp: 1, model: 'other' }))).rejects.toBeInstanceOf(ConflictError);
    expect(await s.getRollup('conflict')).toEqual(before);
  });

  it('dedupes a retry whose timestamp was defaulted (new Date.now() on each attempt)', async () => {
    const s = store();
    const { timestamp: _t, ...noTs } = tokens('retry-ts', { id: 'r1' }) as Extract<UsageEntryInput, { kind: 'tokens' }>;
    expect((await s.recordEntry(noTs)).recorded).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect((await s.recordEntry(noTs)).recorded).toBe(false);
    await expect(s.recordEntry({ ...noTs, model: 'other' })).rejects.toBeInstanceOf(ConflictError);
    // With an explicit timestamp the whole body must match.
    await s.recordEntry(tokens('retry-ts', { id: 'r2', timestamp: 5 }));
    await expect(s.recordEntry(tokens('retry-ts', { id: 'r2', timestamp: 6 }))).rejects.toBeInstanceOf(ConflictError);
    expect(await s.getEntryCount('retry-ts')).toBe(2);
  });

  it('generates ids and timestamps when absent', async () => {
    const s = store();
    const { timestamp: _t, ...noTs } = tokens('gen') as Extract<UsageEntryInput, { kind: 'tokens' }>;
    const before = Date.now();
    const a = await s.recordEntry(noTs);
    const b = await s.recordEntry(noTs);
    expect(a.id).not.toBe(b.id);
    const entries = await s.getEntries('gen');
    expect(entries.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    for (const e of entries) expect(e.timestamp).toBeGreaterThanOrEqual(before);
  });

  it('rejects bad entries with clear ValidationErrors and writes nothing', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    await s.ensureSchema();
    const keysBefore = (await keysMatching(redis.client, `${prefix}*`)).sort();
    const good = tokens('bad') as Extract<UsageEntryInput, { kind: 'tokens' }>;
    const cases: [unknown, RegExp][] = [
      [{ ...good, kind: 'bogus' }, /kind/],
      [{ ...good, sessionId: '' }, /sessionId: must not be empty/],
      [{ ...good, stepCount: -1 }, /stepCount/],
      [{ ...good, stepCount: 1.5 }, /stepCount/],
      [{ ...good, tokens: { prompt: -5, completion: 1 } }, /tokens\.prompt/],
      [{ ...good, tokens: { prompt: 1 } }, /tokens\.completion/],
      [{ ...good, model: '' }, /model/],
      [{ ...good, extra: 1 }, /extra/],
      [{ ...good, kind: 'tool' }, /toolName/],
      [{ ...good, kind: 'custom', name: 'x', value: Number.NaN, model: undefined, tokens: undefined }, /value/],
      [{ ...good, kind: 'subagent', agentName: 'x', model: undefined, tokens: undefined }, /subSessionId/],
      [{ ...good, source: { type: 'agent' } }, /source\.name/],
      [{ ...good, metadata: { big: 10n } }, /not JSON-serialisable/],
      [null, /usage entry/],
    ];
    for (const [entry, message] of cases) {
      const error = await s.recordEntry(entry as UsageEntryInput).catch((e: unknown) => e);
      expect(error, JSON.stringify(entry, (_k, v) => (typeof v === 'bigint' ? 'bigint' : v))).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(s.getEntries('')).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getEntries('x', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getEntries('x', { kinds: ['nope' as 'tool'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getRollup('x', { maxDepth: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.findSessionIds({ cursor: '!!!' })).rejects.toBeInstanceOf(ValidationError);
    expect(() => new RedisUsageStore(redis.client, { ttlSeconds: -1 })).toThrow(ValidationError);
    expect(() => new RedisUsageStore(redis.client, { keyPrefix: 'a b' })).toThrow(ValidationError);
    expect((await keysMatching(redis.client, `${prefix}*`)).sort()).toEqual(keysBefore);
  });

  it('keeps user JSON exactly as written (empty arrays and objects, large numbers, unicode)', async () => {
    const s = store();
    const metadata = { list: [], nested: { empty: {} }, big: 1.5e300, precise: 0.1, text: 'héllo 🌍' };
    await s.recordEntry(tokens('json', { id: 'j', metadata }));
    const [entry] = await s.getEntries('json');
    expect(entry?.metadata).toEqual(metadata);
    expect(Array.isArray(entry?.metadata?.list)).toBe(true);
  });

  it('stores keys under prefix:usage:{session} with ids escaped, one hash slot per session', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const weird = 'a:b{c}* d/é';
    await s.recordEntry(tokens(weird, { model: '__proto__' }));
    await s.recordEntry({ kind: 'tool', sessionId: weird, stepCount: 1, timestamp: 5, source: { type: 'agent', name: 'a' }, toolName: 'constructor', success: true });
    const keys = (await keysMatching(redis.client, `${prefix}:usage:{*`)).sort();
    expect(keys).toEqual(
      [
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:by-step`,
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:by-time`,
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:by-time:tokens`,
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:by-time:tool`,
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:entries`,
        `${prefix}:usage:{a%3Ab%7Bc%7D%2A%20d%2F%C3%A9}:rollup`,
        `${prefix}:usage:{index:sessions}:by-expiry`,
        `${prefix}:usage:{index:sessions}:by-id`,
        `${prefix}:usage:{schema:usage}:ledger`,
      ].sort(),
    );
    const rollup = await s.getRollup(weird);
    expect(Object.getPrototypeOf(rollup?.tokens.byModel)).toBe(Object.prototype);
    expect(Object.keys(rollup?.tokens.byModel ?? {})).toEqual(['__proto__']);
    expect(rollup?.tools.byTool).toEqual({ constructor: { calls: 1, successes: 1, failures: 0, durationMs: 0 } });
    expect((await s.findSessionIds()).sessionIds).toEqual([weird]);
  });

  it('delete removes every key of the session and its index entry', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const base = { sessionId: 'doomed', source: { type: 'agent', name: 'a' }, stepCount: 1, timestamp: 9 };
    await s.recordEntry({ ...base, kind: 'tokens', model: 'm', tokens: { prompt: 1, completion: 1 } });
    await s.recordEntry({ ...base, kind: 'tool', toolName: 't', success: true });
    await s.recordEntry({ ...base, kind: 'subagent', agentName: 'x', subSessionId: 'kid' });
    await s.recordEntry({ ...base, kind: 'custom', name: 'c', value: 1 });
    await s.recordEntry(tokens('kept'));
    expect(await keysMatching(redis.client, `${prefix}:usage:{doomed}:*`)).toHaveLength(8);
    expect(await s.delete('doomed')).toBe(true);
    expect(await keysMatching(redis.client, `${prefix}:usage:{doomed}:*`)).toEqual([]);
    expect(await s.exists('doomed')).toBe(false);
    expect((await s.findSessionIds()).sessionIds).toEqual(['kept']);
    expect(await s.exists('kept')).toBe(true);
  });

  it('ensureSchema records 001-initial once and later calls apply nothing', async () => {
    const prefix = redis.newPrefix();
    const a = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    const b = new RedisUsageStore(redis.connect(), { keyPrefix: prefix });
    const [ra, rb] = await Promise.all([a.ensureSchema(), b.ensureSchema()]);
    expect([...ra.applied, ...rb.applied]).toEqual(['001-initial']);
    expect(ra.current).toEqual(['001-initial']);
    const again = await new RedisUsageStore(redis.client, { keyPrefix: prefix }).ensureSchema();
    expect(again.applied).toEqual([]);
  });

  it('every script hash matches the server (verifyScripts)', async () => {
    expect(await verifyScripts(redis.client, [...usageScripts])).toEqual([]);
  });
});
