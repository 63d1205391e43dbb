import { ConflictError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisUsageStore, type UsageEntryInput } from '../src/index.js';

// JSON.parse makes "__proto__" an own data property; users may send such objects.
const meta = () => JSON.parse('{"__proto__":{"polluted":true},"plain":1,"nested":{"__proto__":"x","list":[{"__proto__":null}]}}');

const base = (sessionId: string, id: string) => ({
  id,
  sessionId,
  stepCount: 1,
  timestamp: 1_000,
  source: { type: 'agent', name: 'a' },
});

function entriesWithMetadata(sessionId: string): UsageEntryInput[] {
  return [
    { ...base(sessionId, 'tok'), kind: 'tokens', model: 'm', tokens: { prompt: 1, completion: 2 }, metadata: meta() },
    { ...base(sessionId, 'tool'), kind: 'tool', toolName: 't', success: true, metadata: meta() },
    { ...base(sessionId, 'sub'), kind: 'subagent', agentName: 'x', subSessionId: 'kid', metadata: meta() },
    { ...base(sessionId, 'cus'), kind: 'custom', name: 'c', value: 1, metadata: meta() },
  ];
}

describe('own "__proto__" keys', () => {
  const redis = useTestRedis('usage-proto');
  const store = () => new RedisUsageStore(redis.client, { keyPrefix: redis.newPrefix() });

  it('recordEntry + getEntries keep an own "__proto__" key in metadata, for every kind', async () => {
    const s = store();
    const inputs = entriesWithMetadata('meta');
    for (const input of inputs) expect((await s.recordEntry(input)).recorded).toBe(true);
    const entries = await s.getEntries('meta');
    expect(entries.map((e) => e.id).sort()).toEqual(['cus', 'sub', 'tok', 'tool']);
    for (const entry of entries) {
      const original = inputs.find((i) => i.id === entry.id)!;
      expect(JSON.stringify(entry.metadata)).toBe(JSON.stringify(original.metadata));
      expect(Object.hasOwn(entry.metadata!, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(entry.metadata)).toBe(Object.prototype);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('an own "__proto__" key in metadata is part of the body a retry is compared with', async () => {
    const s = store();
    const first = { ...base('retry', 'r1'), kind: 'custom' as const, name: 'c', value: 1, metadata: JSON.parse('{"__proto__":1}') };
    expect((await s.recordEntry(first)).recorded).toBe(true);
    expect((await s.recordEntry({ ...first, metadata: JSON.parse('{"__proto__":1}') })).recorded).toBe(false);
    await expect(s.recordEntry({ ...first, metadata: JSON.parse('{"__proto__":2}') })).rejects.toThrow(ConflictError);
    expect(await s.getEntryCount('retry')).toBe(1);
  });

  it('getRollup keeps "__proto__" as a model, tool, agent, sub-session and custom metric name, also when folding sub-agents', async () => {
    const s = store();
    const name = '__proto__';
    for (const sid of ['root', name]) {
      await s.recordEntry({ ...base(sid, 'tok'), kind: 'tokens', model: name, tokens: { prompt: 1, completion: 2 } });
      await s.recordEntry({ ...base(sid, 'tool'), kind: 'tool', toolName: name, success: true, durationMs: 5 });
      await s.recordEntry({ ...base(sid, 'cus'), kind: 'custom', name, value: 2 });
    }
    await s.recordEntry({ ...base('root', 'sub'), kind: 'subagent', agentName: name, subSessionId: name });

    const own = await s.getRollup('root');
    const all = await s.getRollup('root', { includeSubAgents: true });
    expect(all?.includedSessionIds).toEqual(['root', name]);
    for (const [rollup, times] of [
      [own, 1],
      [all, 2],
    ] as const) {
      const maps = [rollup?.tokens.byModel, rollup?.tools.byTool, rollup?.custom, rollup?.subAgents.byAgent, rollup?.subAgents.bySession];
      for (const map of maps) {
        expect(Object.hasOwn(map!, name)).toBe(true);
        expect(Object.keys(map!)).toEqual([name]);
        expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
      }
      expect(JSON.stringify(rollup?.tokens.byModel)).toBe(
        `{"__proto__":{"prompt":${times},"completion":${2 * times},"reasoning":0,"cached":0,"total":${3 * times},"calls":${times}}}`,
      );
      expect(JSON.stringify(rollup?.tools.byTool)).toBe(`{"__proto__":{"calls":${times},"successes":${times},"failures":0,"durationMs":${5 * times}}}`);
      expect(JSON.stringify(rollup?.custom)).toBe(`{"__proto__":{"count":${times},"sum":${2 * times},"min":2,"max":2}}`);
      expect(JSON.stringify(rollup?.subAgents.byAgent)).toBe('{"__proto__":1}');
      expect(JSON.stringify(rollup?.subAgents.bySession)).toBe('{"__proto__":1}');
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
