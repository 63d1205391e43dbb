import type { RedisClient } from '@redstate/core';

/**
 * Writes data exactly as @hitl-sdk/state-ioredis 1.x left it: JSON strings under
 * `{prefix}:req:{id}` etc. `stage` picks the layout: after 001 only (plain SET indexes, no
 * namespace indexes, records without `namespace`) or after 003 (ZSET indexes, namespaces).
 */
export interface LegacyRecord {
  id: string;
  token: string;
  channel: string;
  namespace?: string;
  message: string;
  actions: unknown;
  context?: Record<string, unknown>;
  status: 'pending' | 'resolved';
  externalId?: string;
  externalIds?: Record<string, string>;
  result?: unknown;
  createdAt: string;
  resolvedAt?: string;
  batchId?: string;
  batchIndex?: number;
}

export function legacyRecords(count: number): LegacyRecord[] {
  const base = Date.parse('2025-06-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) => {
    const id = i === 3 ? 'odd id:{x}' : `old-${String(i).padStart(3, '0')}`;
    const r: LegacyRecord = {
      id,
      token: `old-token-${i}`,
      channel: 'ops',
      message: `legacy ${i}`,
      actions: [{ id: 'approve', fields: { note: { type: 'text', label: 'Note', options: [] } } }],
      context: { i, list: [], big: 2 ** 53 - 1 - i },
      status: i % 3 === 0 ? 'resolved' : 'pending',
      // two records share a millisecond to exercise the id tie-break
      createdAt: new Date(base + Math.floor(i / 2) * 1000).toISOString(),
    };
    if (r.status === 'resolved') {
      r.result = { type: 'RESOLVED', actionId: 'approve', id, externalRef: '', feedbacks: { n: [] } };
      r.resolvedAt = new Date(base + 999_000).toISOString();
    }
    if (i % 4 === 1) {
      r.externalId = `slack-${i}`;
      r.externalIds = { ops: `slack-${i}`, oncall: `page-${i}` };
    }
    if (i < 3) {
      r.batchId = 'old-batch';
      r.batchIndex = 2 - i;
    }
    return r;
  });
}

export async function writeLegacy(client: RedisClient, prefix: string, records: LegacyRecord[], stage: '001' | '003'): Promise<void> {
  const p = (suffix: string) => `${prefix}:${suffix}`;
  const ledger = stage === '001' ? ['001-initial'] : ['001-initial', '002-sorted-indexes', '003-namespace-indexes'];
  await client.sadd(p('meta:migrations'), ...ledger);
  for (const r of records) {
    const stored: LegacyRecord = { ...r };
    if (stage === '001') delete stored.namespace;
    await client.set(p(`req:${r.id}`), JSON.stringify(stored));
    await client.set(p(`idx:token:${r.token}`), r.id);
    for (const ext of new Set([r.externalId, ...Object.values(r.externalIds ?? {})])) {
      if (ext) await client.set(p(`idx:ext:${ext}`), r.id);
    }
    const score = Date.parse(r.createdAt);
    if (stage === '001') {
      await client.sadd(p(`idx:status:${r.status}`), r.id);
      await client.sadd(p('idx:all:req'), r.id);
    } else {
      const ns = r.namespace ?? 'global';
      await client.zadd(p(`idx:status:${r.status}`), score, r.id);
      await client.zadd(p('idx:all:req'), score, r.id);
      await client.zadd(p(`idx:ns:${ns}`), score, r.id);
      await client.zadd(p(`idx:ns:${ns}:status:${r.status}`), score, r.id);
    }
    if (r.batchId !== undefined && r.batchIndex !== undefined) await client.zadd(p(`idx:batch:${r.batchId}`), r.batchIndex, r.id);
  }
  await client.set(
    p('batch:old-batch'),
    JSON.stringify({ id: 'old-batch', channel: 'ops', message: 'three emails', context: { k: [] }, externalId: 'slack-b', externalIds: { ops: 'slack-b' }, createdAt: '2025-06-01T00:00:00.000Z' }),
  );
  await client.set(p('batch:empty-batch'), JSON.stringify({ id: 'empty-batch', channel: 'ops', createdAt: '2025-06-02T00:00:00.000Z' }));
  await client.set(p('notify:n-old'), JSON.stringify({ id: 'n-old', channel: 'ops', message: 'deployed', groupId: 'g1', externalId: 'slack-n', createdAt: '2025-06-03T00:00:00.000Z' }));
  const entries = [
    { id: 'e2', threadId: 'thread-1', message: 'second', createdAt: '2025-06-01T00:02:00.000Z' },
    { id: 'e1', threadId: 'thread-1', message: 'first', detail: { link: 'x', list: [] }, createdAt: '2025-06-01T00:01:00.000Z' },
    { id: 'e3', threadId: 'thread:2', message: 'other thread', createdAt: '2025-06-01T00:03:00.000Z' },
  ];
  for (const e of entries) {
    await client.set(p(`timeline:entry:${e.id}`), JSON.stringify(e));
    await client.zadd(p(`timeline:${e.threadId}`), Date.parse(e.createdAt), e.id);
  }
}

/** What `get` must return for a legacy record after the upgrade. */
export function expectedRecord(r: LegacyRecord): Record<string, unknown> {
  return { ...r, namespace: r.namespace ?? 'global' };
}
