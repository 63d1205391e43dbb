import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import type { HumanRequestRecord } from '../src/index.js';
import { newRecord, newState, resolved } from './helpers.js';

describe('table-wide field hashes and lex indexes', () => {
  const redis = useTestRedis('hitl-layout');

  it('namespaces that are prefixes or escapes of each other never mix in list or count', async () => {
    const state = newState(redis.client, 'ns');
    const namespaces = ['a', 'ab', 'a b', 'a%20b', 'a\u0000b', 'a:', 'ü', '\u0001'];
    for (const [i, ns] of namespaces.entries()) {
      for (let j = 0; j <= i; j++) await state.create(newRecord(`${i}-${j}`, { namespace: ns }));
    }
    await state.resolve('3-0', resolved('3-0'));
    for (const [i, ns] of namespaces.entries()) {
      const items = (await state.list({ namespace: ns, limit: 100 })).items;
      expect(items.map((r) => r.namespace)).toEqual(Array(i + 1).fill(ns));
      expect(await state.count({ namespace: ns })).toBe(i + 1);
      const resolvedHere = ns === 'a%20b' ? 1 : 0;
      expect(await state.count({ namespace: ns, status: 'resolved' })).toBe(resolvedHere);
      expect(await state.count({ namespace: ns, status: 'pending' })).toBe(i + 1 - resolvedHere);
      expect((await state.list({ namespace: ns, status: 'pending', limit: 100 })).items).toHaveLength(i + 1 - resolvedHere);
    }
    expect(await state.count({ namespace: 'a\u0000' })).toBe(0);
    expect(await state.count()).toBe((namespaces.length * (namespaces.length + 1)) / 2);
  });

  it('pages one namespace newest first, one record per page, while records of the page are resolved', async () => {
    const state = newState(redis.client, 'nspage');
    const ids = Array.from({ length: 40 }, (_, i) => `q${i}`);
    await Promise.all(ids.map((id, i) => state.create(newRecord(id, { namespace: i % 2 === 0 ? 'team' : 'other' }))));
    const mine = ids.filter((_, i) => i % 2 === 0);
    const seen: HumanRequestRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await state.list({ namespace: 'team', status: 'pending', limit: 1, cursor });
      seen.push(...page.items);
      for (const r of page.items) await state.resolve(r.id, resolved(r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((r) => r.id).sort()).toEqual([...mine].sort());
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1] as HumanRequestRecord, seen[i] as HumanRequestRecord];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    expect(await state.count({ namespace: 'team', status: 'pending' })).toBe(0);
    expect(await state.count({ namespace: 'other', status: 'pending' })).toBe(20);
    expect((await state.list({ namespace: 'team', status: 'resolved', limit: 100 })).items.map((r) => r.id)).toEqual(seen.map((r) => r.id));
  });

  it('external ids and plugin ids with separators, digits and unicode round-trip', async () => {
    const state = newState(redis.client, 'ext');
    await state.create(newRecord('e1'));
    const pairs: [string, string][] = [
      ['3:abc', '12:x'],
      ['plug:in', 'ü\u{1F600}:9'],
      ['0', ':'],
      ['__proto__', 'proto-ext'],
      ['lead-approvals', 'primary:1'],
    ];
    for (const [plugin, value] of pairs) await state.setExternalId('e1', value, plugin);
    const record = await state.get('e1');
    expect(record?.externalIds).toEqual(Object.fromEntries(pairs));
    expect(record?.externalId).toBe('primary:1');
    for (const [, value] of pairs) expect((await state.findByExternalId(value))?.id).toBe('e1');
    await state.setExternalId('e1', 'replaced', '3:abc');
    expect(await state.findByExternalId('12:x')).toBeNull();
    expect((await state.get('e1'))?.externalIds?.['3:abc']).toBe('replaced');
    expect(Object.getPrototypeOf(record?.externalIds)).toBe(Object.prototype);
  });

  it('a batch keeps a "__proto__" plugin id as a plain key', async () => {
    const state = newState(redis.client, 'extbatch');
    await state.createBatch({ id: 'b1', channel: 'c' });
    await state.setBatchExternalId('b1', 'proto-ext', '__proto__');
    const batch = await state.getBatch('b1');
    expect(Object.getOwnPropertyDescriptor(batch?.externalIds ?? {}, '__proto__')?.value).toBe('proto-ext');
    expect(Object.getPrototypeOf(batch?.externalIds)).toBe(Object.prototype);
  });

  it('a value still held by another plugin of the same request stays findable when one plugin replaces it', async () => {
    const state = newState(redis.client, 'shared');
    await state.create(newRecord('s1'));
    await state.setExternalId('s1', 'same', 'p1');
    await state.setExternalId('s1', 'same', 'p2');
    await state.setExternalId('s1', 'new', 'p1');
    expect((await state.findByExternalId('same'))?.id).toBe('s1');
    await state.setExternalId('s1', 'newer', 'p2');
    expect(await state.findByExternalId('same')).toBeNull();
  });
});
