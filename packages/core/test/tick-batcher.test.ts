import { describe, expect, it } from 'vitest';
import { type BatchOutcome, CorruptDataError, DEFAULT_SPLIT_ABOVE, TickBatcher } from '../src/index.js';

// The batcher itself does no I/O: `send` here records what it was given, so these tests check
// the grouping and the routing of outcomes. Its use against Redis is tested with the scripts
// that use it (locks).
function recorder() {
  const calls: number[][] = [];
  const batcher = new TickBatcher<number, number>(async (items) => {
    calls.push([...items]);
    return items.map((n): BatchOutcome<number> => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 }));
  }, { maxItems: 3, splitAbove: 100 });
  return { calls, batcher };
}

describe('TickBatcher', () => {
  it('sends the calls of one tick together, per group, in call order, at most maxItems each', async () => {
    const { calls, batcher } = recorder();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n % 2 === 0 ? 'even' : 'odd', n)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(calls).toEqual([[1, 3, 5], [2, 4]]);
  });

  it('collects submits made by promise continuations of the same tick', async () => {
    const { calls, batcher } = recorder();
    const later = async (n: number) => {
      await null;
      await null;
      return batcher.submit('g', n);
    };
    expect(await Promise.all([batcher.submit('g', 1), later(2)])).toEqual([10, 20]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('sends awaited calls one by one', async () => {
    const { calls, batcher } = recorder();
    expect(await batcher.submit('g', 1)).toBe(10);
    expect(await batcher.submit('g', 2)).toBe(20);
    expect(calls).toEqual([[1], [2]]);
  });

  it('fails only the items whose outcome is an error', async () => {
    const { batcher } = recorder();
    const settled = await Promise.allSettled([batcher.submit('g', 1), batcher.submit('g', -1), batcher.submit('g', 2)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails every item of a batch whose send fails or answers the wrong count', async () => {
    const throwing = new TickBatcher<number, number>(() => {
      throw new Error('down');
    });
    await expect(Promise.all([throwing.submit('g', 1), throwing.submit('g', 2)])).rejects.toThrow('down');
    const short = new TickBatcher<number, number>(async () => [{ ok: true, value: 1 }]);
    const settled = await Promise.allSettled([short.submit('g', 1), short.submit('g', 2)]);
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof CorruptDataError)).toBe(true);
  });

  it('sends a large tick as two halves, the second one event-loop turn later, keeping order', async () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number, number>(
      async (items) => {
        calls.push([...items]);
        return items.map((n): BatchOutcome<number> => ({ ok: true, value: n }));
      },
      { splitAbove: 4 },
    );
    const first = Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => batcher.submit('g', n)));
    const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));
    await nextTick();
    expect(calls).toEqual([[1, 2, 3, 4, 5]]);
    // Submitted while the second half waits: sent behind it, never ahead.
    const second = Promise.all([10, 11].map((n) => batcher.submit('g', n)));
    await nextTick();
    expect(calls).toEqual([[1, 2, 3, 4, 5]]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9], [10, 11]]);
    expect(await first).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await second).toEqual([10, 11]);
  });

  it('does not split a tick of at most splitAbove items', async () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number, number>(async (items) => {
      calls.push([...items]);
      return items.map((n): BatchOutcome<number> => ({ ok: true, value: n }));
    });
    const items = Array.from({ length: DEFAULT_SPLIT_ABOVE }, (_, i) => i);
    expect(await Promise.all(items.map((n) => batcher.submit('g', n)))).toEqual(items);
    expect(calls).toEqual([items]);
  });
});
