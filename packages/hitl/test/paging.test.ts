import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import type { HumanRequestRecord } from '../src/index.js';
import { newRecord, newState, resolved } from './helpers.js';

describe('paging 10,000 records', () => {
  const redis = useTestRedis('hitl-paging');

  it('walks every record exactly once, newest first, across many same-millisecond ties', async () => {
    const state = newState(redis.client, 'page');
    const total = 10_000;
    const ids = Array.from({ length: total }, (_, i) => `r${i}`);
    for (let i = 0; i < total; i += 1000) {
      await Promise.all(ids.slice(i, i + 1000).map((id, j) => state.create(newRecord(id, { namespace: j % 2 === 0 ? 'even' : 'odd' }))));
    }
    expect(await state.count()).toBe(total);

    const seen: HumanRequestRecord[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await state.list({ limit: 333, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(total / 333));
    expect(new Set(seen.map((r) => r.id)).size).toBe(total);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1] as HumanRequestRecord, seen[i] as HumanRequestRecord];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    const ties = seen.length - new Set(seen.map((r) => r.createdAt)).size;
    expect(ties).toBeGreaterThan(0);

    const max = await state.list({ limit: 10_000 });
    expect(max.items).toHaveLength(total);
    expect(max.nextCursor).toBeUndefined();
  });

  it('pages a filter while records leave it, without gaps or duplicates among those that stay', async () => {
    const state = newState(redis.client, 'moving');
    const ids = Array.from({ length: 600 }, (_, i) => `m${i}`);
    await Promise.all(ids.map((id) => state.create(newRecord(id))));
    const seen = new Set<string>();
    const resolvedIds = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await state.list({ status: 'pending', limit: 50, cursor });
      for (const r of page.items) {
        expect(seen.has(r.id)).toBe(false);
        seen.add(r.id);
      }
      // resolve the page's last item (the cursor's record) and one not yet seen
      const last = page.items[page.items.length - 1];
      if (last) {
        await state.resolve(last.id, resolved(last.id));
        resolvedIds.add(last.id);
      }
      const unseen = ids.find((id) => !seen.has(id) && !resolvedIds.has(id));
      if (unseen && seen.size % 100 === 0) {
        await state.resolve(unseen, resolved(unseen));
        resolvedIds.add(unseen);
      }
      cursor = page.nextCursor;
    } while (cursor);
    for (const id of ids) expect(seen.has(id) || resolvedIds.has(id)).toBe(true);
  });
});
