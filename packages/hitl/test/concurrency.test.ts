import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { AlreadyResolvedError, DuplicateIdError, RedisHitlState, TokenInUseError } from '../src/index.js';
import { newRecord, resolved, uniqueTable } from './helpers.js';

describe('RedisHitlState under concurrency', () => {
  const redis = useTestRedis('hitl-race');

  function states(n: number): RedisHitlState[] {
    const tableName = uniqueTable('race');
    return Array.from({ length: n }, () => new RedisHitlState(redis.connect(), { tableName }));
  }

  it('20 racing resolves: exactly one wins, the others get AlreadyResolvedError', async () => {
    const all = states(20);
    await all[0]?.create(newRecord('r1'));
    const outcomes = await Promise.allSettled(all.map((s, i) => s.resolve('r1', resolved('r1', `action-${i}`))));
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(AlreadyResolvedError);
    const record = await all[0]?.get('r1');
    expect(record?.result).toEqual(resolved('r1', `action-${won[0]}`));
    expect(await all[0]?.count({ status: 'resolved' })).toBe(1);
    expect(await all[0]?.count({ status: 'pending' })).toBe(0);
    expect(await all[0]?.count({ namespace: 'global', status: 'resolved' })).toBe(1);
  });

  it('create with the same token from 10 clients: exactly one record', async () => {
    const all = states(10);
    const outcomes = await Promise.allSettled(all.map((s, i) => s.create(newRecord(`c${i}`, { token: 'shared-token' }))));
    const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(TokenInUseError);
    const s = all[0] as RedisHitlState;
    expect(await s.count()).toBe(1);
    expect((await s.findByToken('shared-token'))?.id).toBe(`c${won[0]}`);
    for (let i = 0; i < 10; i++) if (i !== won[0]) expect(await s.get(`c${i}`)).toBeNull();
  });

  it('create with the same id from 10 clients: exactly one record, DuplicateIdError for the rest', async () => {
    const all = states(10);
    const outcomes = await Promise.allSettled(all.map((s, i) => s.create(newRecord('same', { token: `tok-${i}` }))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(DuplicateIdError);
    const s = all[0] as RedisHitlState;
    expect(await s.count()).toBe(1);
    const winner = await s.get('same');
    for (let i = 0; i < 10; i++) {
      const found = await s.findByToken(`tok-${i}`);
      expect(found === null || found.token === winner?.token).toBe(true);
    }
  });

  it('racing resolve and setExternalId never lose either update', async () => {
    const all = states(8);
    const s = all[0] as RedisHitlState;
    const ids = Array.from({ length: 30 }, (_, i) => `x${i}`);
    for (const id of ids) await s.create(newRecord(id));
    await Promise.all(
      ids.flatMap((id, i) => [
        (all[i % 8] as RedisHitlState).resolve(id, resolved(id)),
        (all[(i + 1) % 8] as RedisHitlState).setExternalId(id, `ext-${id}`),
        (all[(i + 2) % 8] as RedisHitlState).setExternalId(id, `oncall-${id}`, 'oncall'),
      ]),
    );
    for (const id of ids) {
      const record = await s.get(id);
      expect(record?.status).toBe('resolved');
      expect(record?.result).toEqual(resolved(id));
      expect(record?.externalId).toBe(`ext-${id}`);
      expect(record?.externalIds).toEqual({ 'lead-approvals': `ext-${id}`, oncall: `oncall-${id}` });
      expect((await s.findByExternalId(`oncall-${id}`))?.id).toBe(id);
    }
  });

  it('many clients creating distinct records: every index agrees', async () => {
    const all = states(10);
    await Promise.all(all.flatMap((s, c) => Array.from({ length: 20 }, (_, i) => s.create(newRecord(`k${c}-${i}`, { namespace: `ns${c % 2}` })))));
    const s = all[0] as RedisHitlState;
    expect(await s.count()).toBe(200);
    expect(await s.count({ status: 'pending' })).toBe(200);
    expect(await s.count({ namespace: 'ns0' })).toBe(100);
    expect(await s.count({ namespace: 'ns1', status: 'pending' })).toBe(100);
    expect((await s.list({ limit: 500 })).items).toHaveLength(200);
  });
});
