import { Redlock } from '@sesamecare-oss/redlock';
import { RedisLockManager } from '@redstate/locks';
import { Mutex } from 'redis-semaphore';
import { measure } from '../measure.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

const TTL_MS = 10_000;
const KEYS = 1000;

/**
 * One logical operation = acquire an uncontended lock and release it (two round trips at best).
 * Each library is used as its docs show, with retries off so every op measures one attempt.
 */
export const locks: Scenario = {
  name: 'locks',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const scenario = 'lock acquire + release';

    const ours = new RedisLockManager(ctx.connect(), { keyPrefix: ctx.prefix('locks') });
    await ours.ensureSchema();
    const redstate = await measure(ctx.admin, ctx.port, {
      ...opts,
      op: async (i) => {
        const lock = await ours.acquire(`job-${i % KEYS}`, { ttlMs: TTL_MS });
        if (!lock) throw new Error('uncontended acquire failed');
        await lock.release();
      },
    });

    const redlockClient = ctx.connect();
    const redlock = new Redlock([redlockClient], { retryCount: 0, automaticExtensionThreshold: 0 });
    const redlockPrefix = ctx.prefix('redlock');
    const redlockResult = await measure(ctx.admin, ctx.port, {
      ...opts,
      op: async (i) => {
        const lock = await redlock.acquire([`${redlockPrefix}:job-${i % KEYS}`], TTL_MS);
        await lock.release();
      },
    });

    const semaphoreClient = ctx.connect();
    const semaphorePrefix = ctx.prefix('semaphore');
    const semaphoreResult = await measure(ctx.admin, ctx.port, {
      ...opts,
      op: async (i) => {
        const mutex = new Mutex(semaphoreClient, `${semaphorePrefix}:job-${i % KEYS}`, {
          lockTimeout: TTL_MS,
          acquireAttemptsLimit: 1,
          refreshInterval: 0,
        });
        await mutex.acquire();
        await mutex.release();
      },
    });

    return [
      { scenario, subject: 'redstate', measurement: redstate, note: 'with fencing token' },
      { scenario, subject: '@sesamecare-oss/redlock', measurement: redlockResult, note: 'single instance, no fencing' },
      { scenario, subject: 'redis-semaphore Mutex', measurement: semaphoreResult, note: 'no fencing' },
    ];
  },
};
