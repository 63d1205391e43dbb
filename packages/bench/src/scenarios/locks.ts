import { Redlock } from '@sesamecare-oss/redlock';
import { RedisLockManager } from '@redstate/locks';
import { Mutex } from 'redis-semaphore';
import { measureInterleaved } from '../measure.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

const TTL_MS = 10_000;
const KEYS = 1000;
/** Subjects alternate in this many rounds; each row is the median round. */
const ROUNDS = 5;

/**
 * One logical operation = acquire an uncontended lock and release it (two round trips at best).
 * Each library is used as its docs show, with retries off so every op measures one attempt.
 * The three subjects run in interleaved rounds (see measureInterleaved).
 */
export const locks: Scenario = {
  name: 'locks',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const scenario = 'lock acquire + release';

    const ours = new RedisLockManager(ctx.connect(), { keyPrefix: ctx.prefix('locks') });
    await ours.ensureSchema();
    const redlock = new Redlock([ctx.connect()], { retryCount: 0, automaticExtensionThreshold: 0 });
    const redlockPrefix = ctx.prefix('redlock');
    const semaphoreClient = ctx.connect();
    const semaphorePrefix = ctx.prefix('semaphore');

    const measured = await measureInterleaved(
      ctx.admin,
      ctx.port,
      [
        {
          name: 'redstate',
          op: async (i) => {
            const lock = await ours.acquire(`job-${i % KEYS}`, { ttlMs: TTL_MS });
            if (!lock) throw new Error('uncontended acquire failed');
            await lock.release();
          },
        },
        {
          name: 'redlock',
          op: async (i) => {
            const lock = await redlock.acquire([`${redlockPrefix}:job-${i % KEYS}`], TTL_MS);
            await lock.release();
          },
        },
        {
          name: 'semaphore',
          op: async (i) => {
            const mutex = new Mutex(semaphoreClient, `${semaphorePrefix}:job-${i % KEYS}`, {
              lockTimeout: TTL_MS,
              acquireAttemptsLimit: 1,
              refreshInterval: 0,
            });
            await mutex.acquire();
            await mutex.release();
          },
        },
      ],
      { ...opts, rounds: ROUNDS },
    );
    const result = (name: string) => {
      const m = measured.get(name);
      if (!m) throw new Error(`no measurement for ${name}`);
      return m;
    };
    const redstate = result('redstate');
    const redlockResult = result('redlock');
    const semaphoreResult = result('semaphore');

    return [
      { scenario, subject: 'redstate', measurement: redstate, note: 'with fencing token' },
      { scenario, subject: '@sesamecare-oss/redlock', measurement: redlockResult, note: 'single instance, no fencing' },
      { scenario, subject: 'redis-semaphore Mutex', measurement: semaphoreResult, note: 'no fencing' },
    ];
  },
};
