import { ConflictError, NotFoundError, ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { makeState } from './helpers.js';

describe('staging', () => {
  const redis = useTestRedis('agent-staging');
  const store = (promoteRetries?: number) =>
    new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('stg'), promoteRetries });

  it('promotes staged patches in order, once', async () => {
    const s = store();
    await s.saveState('a', makeState('a', { customState: { notes: [], big: 9007199254740991 } }));
    await s.stageChanges('a', 'step-1', {
      toolCallId: 'call-1',
      patches: [{ op: 'add', path: '/notes/-', value: 'first' }],
      mergeChanges: { notes: ['first'] },
      timestamp: 1,
    });
    await s.stageChanges('a', 'step-1', {
      toolCallId: 'call-2',
      patches: [
        { op: 'add', path: '/notes/-', value: { empty: [] } },
        { op: 'add', path: '/found', value: true },
      ],
      timestamp: 2,
    });
    await s.stageChanges('a', 'step-2', { toolCallId: 'call-3', patches: [{ op: 'add', path: '/other', value: 1 }], timestamp: 3 });
    const result = await s.promoteStaging('a', 'step-1');
    expect(result).toEqual({ applied: 2, version: 2 });
    expect((await s.loadState('a'))?.customState).toStrictEqual({
      notes: ['first', { empty: [] }],
      big: 9007199254740991,
      found: true,
    });
    expect(await s.promoteStaging('a', 'step-1')).toEqual({ applied: 0, version: 2 });
    expect(await s.discardStaging('a', 'step-2')).toBe(true);
    expect(await s.discardStaging('a', 'step-2')).toBe(false);
    expect(await s.promoteStaging('a', 'step-2')).toEqual({ applied: 0, version: 2 });
    expect((await s.loadState('a'))?.customState).not.toHaveProperty('other');
  });

  it('a failing patch changes nothing and keeps the staged entry', async () => {
    const s = store();
    await s.saveState('f', makeState('f', { customState: { n: 1 } }));
    await s.stageChanges('f', 'x', { toolCallId: 'c', patches: [{ op: 'replace', path: '/n', value: 2 }], timestamp: 1 });
    await s.stageChanges('f', 'x', { toolCallId: 'd', patches: [{ op: 'remove', path: '/missing' }], timestamp: 2 });
    await expect(s.promoteStaging('f', 'x')).rejects.toBeInstanceOf(ValidationError);
    expect((await s.loadState('f'))?.customState).toEqual({ n: 1 });
    expect(await s.discardStaging('f', 'x')).toBe(true);
  });

  it('staging needs a session; promote on a missing session is NotFound', async () => {
    const s = store();
    await expect(s.stageChanges('none', 'x', { toolCallId: 'c', patches: [], timestamp: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.promoteStaging('none', 'x')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('concurrent promotes of one step apply it exactly once', async () => {
    const s = store();
    await s.saveState('race', makeState('race', { customState: { count: [] } }));
    await s.stageChanges('race', 'step', { toolCallId: 'c', patches: [{ op: 'add', path: '/count/-', value: 1 }], timestamp: 1 });
    const stores = Array.from({ length: 10 }, () => new RedisStateStore({ client: redis.connect(), keyPrefix: s.keyspace.prefix }));
    const results = await Promise.all(stores.map((x) => x.promoteStaging('race', 'step')));
    expect(results.filter((r) => r.applied === 1)).toHaveLength(1);
    expect((await s.loadState('race'))?.customState).toEqual({ count: [1] });
  });

  it('promotion retries past concurrent writers and never loses their writes', async () => {
    const s = store(1000);
    const prefix = s.keyspace.prefix;
    await s.saveState('busy', makeState('busy', { customState: { items: [] } }));
    for (let i = 0; i < 20; i++) {
      await s.stageChanges('busy', `step-${i}`, { toolCallId: `c${i}`, patches: [{ op: 'add', path: '/items/-', value: i }], timestamp: i });
    }
    const writer = new RedisStateStore({ client: redis.connect(), keyPrefix: prefix });
    let stop = false;
    const noise = (async () => {
      let n = 0;
      while (!stop) {
        await writer.compareAndSetStatus('busy', ['running', 'paused'], n++ % 2 === 0 ? 'paused' : 'running');
      }
      return n;
    })();
    const promoters = Array.from({ length: 20 }, (_, i) =>
      new RedisStateStore({ client: redis.connect(), keyPrefix: prefix, promoteRetries: 1000 }).promoteStaging('busy', `step-${i}`),
    );
    const results = await Promise.all(promoters);
    stop = true;
    await noise;
    expect(results.every((r) => r.applied === 1)).toBe(true);
    const items = (await s.loadState('busy'))?.customState.items as number[];
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('gives up with ConflictError after promoteRetries lost races', async () => {
    const s = store(1);
    const prefix = s.keyspace.prefix;
    await s.saveState('lose', makeState('lose', { customState: { v: 0 } }));
    const other = new RedisStateStore({ client: redis.connect(), keyPrefix: prefix });
    let stop = false;
    const noise = (async () => {
      while (!stop) await other.updateStatus('lose', 'running');
    })();
    let conflict: unknown;
    for (let i = 0; i < 500 && conflict === undefined; i++) {
      await s.stageChanges('lose', `x${i}`, { toolCallId: 'c', patches: [{ op: 'replace', path: '/v', value: i }], timestamp: 1 });
      await s.promoteStaging('lose', `x${i}`).catch((error: unknown) => {
        conflict = error;
      });
    }
    stop = true;
    await noise;
    expect(conflict).toBeInstanceOf(ConflictError);
  });
});
