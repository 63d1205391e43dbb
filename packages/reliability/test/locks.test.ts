import { RedisLockManager } from '@redstate/locks';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const KEYS = 32;

/**
 * Write i = take lock `k-(i % 32)` and release it. The acknowledged fact is the fencing
 * token it got: tokens of one key must all differ, and a new acquisition after any fault
 * must get a token above every acknowledged one (the counter is never lost or reset).
 */
function locksWorkload(): Workload {
  const tokens = new Map<string, Map<number, number>>();
  return {
    name: 'locks',
    async open(client, prefix) {
      const manager = new RedisLockManager(client, { keyPrefix: prefix });
      await manager.ensureSchema();
      const mine = tokens.get(prefix) ?? new Map<number, number>();
      tokens.set(prefix, mine);
      return {
        async write(i) {
          const lock = await manager.acquire(`k-${i % KEYS}`, { ttlMs: 1500, waitMs: 10_000 });
          if (!lock) throw new Error(`lock k-${i % KEYS} still busy`);
          await lock.release();
          mine.set(i, lock.fencingToken);
        },
        async fill(i) {
          const lock = await manager.acquire(`fill-${i}`, { ttlMs: 600_000 });
          if (!lock) throw new Error(`fill-${i} was already held`);
        },
        async verify(acked): Promise<VerifyResult> {
          const violations: string[] = [];
          const lost: number[] = [];
          const perKey = new Map<number, number[]>();
          for (const i of acked) {
            const token = mine.get(i);
            if (token === undefined) {
              lost.push(i);
              continue;
            }
            const list = perKey.get(i % KEYS) ?? [];
            list.push(token);
            perKey.set(i % KEYS, list);
          }
          for (const [key, list] of perKey) {
            if (new Set(list).size !== list.length) violations.push(`k-${key}: a fencing token was handed out twice`);
            const next = await manager.acquire(`k-${key}`, { ttlMs: 1000, waitMs: 10_000 });
            if (!next) {
              violations.push(`k-${key}: could not be acquired after the run`);
              continue;
            }
            await next.release();
            const max = Math.max(...list);
            if (next.fencingToken <= max) violations.push(`k-${key}: token ${next.fencingToken} after acknowledged ${max}`);
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            acquire: () => manager.acquire('probe', { ttlMs: 1000 }),
            isLocked: () => manager.isLocked('probe'),
            getLock: () => manager.getLock('probe'),
            semaphoreCount: () => manager.semaphoreCount('probe'),
          };
        },
      };
    },
  };
}

describeFaults(locksWorkload());
