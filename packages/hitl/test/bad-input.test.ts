import { ValidationError } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { DuplicateIdError, RedisHitlState, TokenInUseError } from '../src/index.js';
import { newRecord, newState } from './helpers.js';

describe('RedisHitlState bad input', () => {
  const redis = useTestRedis('hitl-bad');

  async function snapshot(state: RedisHitlState): Promise<string[]> {
    return (await keysMatching(redis.client, `${state.keys.keyspace.prefix}:*`)).sort();
  }

  it('rejects bad records with ValidationError and writes nothing', async () => {
    const state = newState(redis.client, 'bad');
    await state.ensureSchema();
    const before = await snapshot(state);
    const bad: unknown[] = [
      { ...newRecord('x'), id: '' },
      { ...newRecord('x'), token: '' },
      { ...newRecord('x'), channel: '' },
      { ...newRecord('x'), namespace: '' },
      { ...newRecord('x'), actions: 'approve' },
      { ...newRecord('x'), actions: [{ label: 'no id' }] },
      { ...newRecord('x'), context: [1, 2] },
      { ...newRecord('x'), batchIndex: -1 },
      { ...newRecord('x'), batchIndex: 1.5 },
      { ...newRecord('x'), message: 42 },
      { ...newRecord('x'), id: 'lone \uD800 surrogate' },
      { ...newRecord('x'), context: { n: 10n } },
      null,
    ];
    for (const record of bad) {
      await expect(state.create(record as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await snapshot(state)).toEqual(before);
  });

  it('duplicate id or token: typed error, nothing written', async () => {
    const state = newState(redis.client, 'dup');
    await state.create(newRecord('a1'));
    const before = await snapshot(state);
    const a1 = await state.get('a1');
    await expect(state.create(newRecord('a1', { token: 'other' }))).rejects.toBeInstanceOf(DuplicateIdError);
    await expect(state.create(newRecord('a2', { token: 'tok_a1', namespace: 'fresh', batchId: 'b', batchIndex: 0 }))).rejects.toBeInstanceOf(TokenInUseError);
    expect(await snapshot(state)).toEqual(before);
    expect(await state.get('a1')).toEqual(a1);
    expect(await state.findByToken('other')).toBeNull();
    expect(await state.count()).toBe(1);
    await state.createBatch({ id: 'b1', channel: 'c' });
    await expect(state.createBatch({ id: 'b1', channel: 'd' })).rejects.toBeInstanceOf(DuplicateIdError);
    expect((await state.getBatch('b1'))?.channel).toBe('c');
  });

  it('rejects empty ids everywhere', async () => {
    const state = newState(redis.client, 'empty');
    const calls: (() => Promise<unknown>)[] = [
      () => state.get(''),
      () => state.findByToken(''),
      () => state.findByExternalId(''),
      () => state.setExternalId('', 'x'),
      () => state.setExternalId('a', ''),
      () => state.setExternalId('a', 'x', ''),
      () => state.resolve('', { type: 'TIMED_OUT', id: '', externalRef: '' }),
      () => state.getBatch(''),
      () => state.setBatchExternalId('', 'x'),
      () => state.listByBatch(''),
      () => state.timeline(''),
      () => state.getNotifyDelivery(''),
      () => state.setNotifyDeliveryExternalId('', 'x'),
      () => state.createNotifyDelivery({ id: 'n', channel: 'c', message: 'm', groupId: '' }),
      () => state.appendTimeline({ id: '', threadId: 't', message: 'm', createdAt: '2026-01-01T00:00:00.000Z' }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects a malformed result, an unknown status, a bad limit type and malformed cursors', async () => {
    const state = newState(redis.client, 'filters');
    await state.create(newRecord('a1'));
    await expect(state.resolve('a1', { type: 'MAYBE' } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(state.resolve('a1', { type: 'RESOLVED', id: 'a1' } as never)).rejects.toBeInstanceOf(ValidationError);
    expect((await state.get('a1'))?.status).toBe('pending');
    await expect(state.list({ status: 'archived' as never })).rejects.toBeInstanceOf(ValidationError);
    await expect(state.count({ status: 'archived' as never })).rejects.toBeInstanceOf(ValidationError);
    await expect(state.list({ limit: Number.NaN })).rejects.toBeInstanceOf(ValidationError);
    await expect(state.list({ limit: '10' as never })).rejects.toBeInstanceOf(ValidationError);
    const cursors = [
      '',
      'not base64!',
      Buffer.from('no separator').toString('base64url'),
      Buffer.from('yesterday|a1').toString('base64url'),
      Buffer.from('2026-01-01T00:00:00.000Z|').toString('base64url'),
      Buffer.from('|a1').toString('base64url'),
    ];
    for (const cursor of cursors) await expect(state.list({ cursor })).rejects.toBeInstanceOf(ValidationError);
    await expect(state.appendTimeline({ id: 't', threadId: 't', message: 'm', createdAt: 'not a time' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects bad constructor options', () => {
    expect(() => new RedisHitlState({} as never)).toThrow(ValidationError);
    expect(() => new RedisHitlState(redis.client, { tableName: 42 } as never)).toThrow(ValidationError);
    for (const tableName of ['', 'a.b.c', 'has space', 'a:b', '{x}', '1abc']) {
      expect(() => new RedisHitlState(redis.client, { tableName })).toThrow(ValidationError);
    }
  });
});
