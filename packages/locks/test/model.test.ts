import { useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Lock, LockLostError, RedisLockManager } from '../src/index.js';

type Op =
  | { kind: 'acquire'; who: number }
  | { kind: 'release'; who: number }
  | { kind: 'refresh'; who: number }
  | { kind: 'expire' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('acquire' as const), who: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('release' as const), who: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('refresh' as const), who: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ kind: 'expire' as const }),
);

// Random operation sequences against a tiny in-memory model of the lock.
describe('lock behaves like its model', () => {
  const redis = useTestRedis('locks-model');

  it('acquire/release/refresh/expiry agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 12 }), async (ops, key) => {
        const m = new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });
        const handles: (Lock | null)[] = [null, null, null];
        let holder: number | null = null;
        let counter = 0;
        for (const step of ops) {
          if (step.kind === 'expire') {
            await redis.client.del(m.lockKeys(key).lock); // what expiry does to the lease
            holder = null;
          } else if (step.kind === 'acquire') {
            const lock = await m.acquire(key, { ttlMs: 60_000 });
            if (holder === null) {
              counter++;
              expect(lock?.fencingToken).toBe(counter);
              handles[step.who] = lock;
              holder = step.who;
            } else {
              expect(lock).toBeNull();
            }
          } else {
            const handle = handles[step.who];
            if (!handle) continue;
            const live = holder === step.who;
            if (step.kind === 'release') {
              expect(await handle.release()).toBe(live);
              if (live) holder = null;
            } else if (live) {
              await handle.refresh();
            } else {
              await expect(handle.refresh()).rejects.toBeInstanceOf(LockLostError);
            }
          }
          expect(await m.isLocked(key)).toBe(holder !== null);
        }
      }),
      { numRuns: 40 },
    );
  });
});
