import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { makeState, messages } from './helpers.js';

describe('checkpoints', () => {
  const redis = useTestRedis('agent-cp');
  const store = (maxCheckpoints?: number) =>
    new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('cp'), maxCheckpoints });

  it('writes one checkpoint per step in auto mode, with the saved state and message count', async () => {
    const s = store();
    const r1 = await s.saveState('run-1', makeState('run-1', { stepCount: 1, messages: messages(2) }));
    expect(r1.checkpointId).toMatch(/^cpv1-run-1-s1-/);
    const again = await s.saveState('run-1', makeState('run-1', { stepCount: 1, customState: { a: 1 } }));
    expect(again.checkpointId).toBeNull();
    const r2 = await s.saveState('run-1', makeState('run-1', { stepCount: 2, customState: { a: [] }, messages: messages(3) }));
    expect(r2.checkpointId).toMatch(/^cpv1-run-1-s2-/);

    const latest = await s.getLatestCheckpoint('run-1');
    expect(latest).toMatchObject({
      id: r2.checkpointId,
      sessionId: 'run-1',
      stepCount: 2,
      messageCount: 3,
      state: { status: 'running', stepCount: 2, customState: { a: [] }, agentType: 'researcher' },
    });
    const first = await s.getCheckpoint('run-1', r1.checkpointId!);
    expect(first).toMatchObject({ stepCount: 1, messageCount: 2, state: { customState: { notes: [] } } });
    expect(await s.getCheckpoint('run-1', 'cpv1-run-1-s9-nope')).toBeNull();
    expect(await s.getLatestCheckpoint('nobody')).toBeNull();
  });

  it('honours always / never', async () => {
    const s = store();
    expect((await s.saveState('m', makeState('m'), { checkpoint: 'never' })).checkpointId).toBeNull();
    expect((await s.saveState('m', makeState('m'), { checkpoint: 'always' })).checkpointId).not.toBeNull();
    expect((await s.saveState('m', makeState('m'), { checkpoint: 'always' })).checkpointId).not.toBeNull();
    expect((await s.listCheckpoints('m')).checkpoints).toHaveLength(2);
  });

  it('lists newest first with a stable cursor across pages', async () => {
    const s = store();
    const ids: string[] = [];
    for (let step = 1; step <= 7; step++) {
      ids.push((await s.saveState('p', makeState('p', { stepCount: step }))).checkpointId!);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await s.listCheckpoints('p', { limit: 3, cursor });
      seen.push(...page.checkpoints.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
      // a write between pages does not shift later pages
      if (pages === 1) await s.saveState('p', makeState('p', { stepCount: 8 }));
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    expect(await s.listCheckpoints('nobody')).toEqual({ checkpoints: [], nextCursor: null });
  });

  it('keeps at most maxCheckpoints, dropping the oldest with their data', async () => {
    const s = store(3);
    const ids: string[] = [];
    for (let step = 1; step <= 5; step++) ids.push((await s.saveState('t', makeState('t', { stepCount: step }))).checkpointId!);
    const listed = (await s.listCheckpoints('t')).checkpoints.map((c) => c.id);
    expect(listed).toEqual(ids.slice(2).reverse());
    expect(await s.getCheckpoint('t', ids[0]!)).toBeNull();
  });
});
