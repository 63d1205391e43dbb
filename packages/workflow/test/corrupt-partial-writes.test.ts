import { useTestRedis } from '@redstate/testing/vitest';
import type { RedisClient } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import { workflowDigest } from '../src/ids.js';
import { keysFor, keysUnder, services, wire } from './helpers.js';

/** Every key under the prefix with its content, so a half-applied script shows as a difference. */
async function snapshot(client: RedisClient, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of await keysUnder(client, prefix)) {
    const type = await client.type(key);
    const expires = (await client.pttl(key)) > 0;
    if (type === 'hash') out[key] = { type, expires, value: await client.hgetall(key) };
    else if (type === 'zset') out[key] = { type, expires, value: await client.zrange(key, '0', '-1', 'WITHSCORES') };
    else if (type === 'list') out[key] = { type, expires, value: await client.lrange(key, 0, -1) };
    else if (type === 'set') out[key] = { type, expires, value: (await client.smembers(key)).sort() };
    else out[key] = { type, expires, value: await client.get(key) };
  }
  return out;
}

/** Replaces a key by a string: a key of another Redis type than the scripts expect. */
async function retype(client: RedisClient, key: string): Promise<void> {
  await client.del(key);
  await client.set(key, 'not-a-hash');
}

/** Runs `op`, checks that it changed no key under the prefix, and returns what it threw. */
async function failsWithoutWrites(client: RedisClient, prefix: string, op: () => Promise<unknown>): Promise<unknown> {
  const before = await snapshot(client, prefix);
  const error = await op().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(await snapshot(client, prefix)).toEqual(before);
  return error;
}

describe('corrupt stored data never leaves a half-applied change', () => {
  const redis = useTestRedis('wf-corrupt-partial');

  async function setup() {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix);
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const keys = keysFor(prefix).run(runId);
    const idx = keysFor(prefix).indexesOfRun(runId);
    return { prefix, service, runs, runId, keys, idx };
  }

  it('run-status: a current-attempt key of another type fails a terminal transition before any write', async () => {
    const { prefix, service, runId, keys } = await setup();
    await service.insertStepState(runId, 'a', 'rpcA', {});
    await retype(redis.client, keys.current);
    expect(await failsWithoutWrites(redis.client, prefix, () => service.updateRunStatus(runId, 'completed', { ok: 1 }))).toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('step-retry: a non-integer busy counter fails a running retry before any write', async () => {
    const { prefix, service, runId, keys } = await setup();
    const a = await service.insertStepState(runId, 'a', 'rpcA', {});
    await service.setStepError(a.stepId, new Error('boom'));
    await redis.client.hset(keys.run, 'busy', 'garbage');
    expect(await failsWithoutWrites(redis.client, prefix, () => service.createRetryAttempt(a.stepId, 'running'))).toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('step-set: a non-integer busy counter is reported as corrupt and nothing is written', async () => {
    const { prefix, service, runId, keys } = await setup();
    const a = await service.insertStepState(runId, 'a', 'rpcA', {});
    await redis.client.hset(keys.run, 'busy', 'garbage');
    expect(await failsWithoutWrites(redis.client, prefix, () => service.setStepRunning(a.stepId))).toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('step-set: a run key of another type fails an annotation before any write', async () => {
    const { prefix, service, runId, keys } = await setup();
    const a = await service.insertStepState(runId, 'a', 'rpcA', {});
    await retype(redis.client, keys.run);
    expect(await failsWithoutWrites(redis.client, prefix, () => service.setStepChildRunId(a.stepId, 'child-run'))).toMatchObject({ code: 'CORRUPT_DATA' });
    expect(await failsWithoutWrites(redis.client, prefix, () => service.setStepScheduled(a.stepId))).toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('step-set: an undispatched-step index of another type leaves the busy counter alone', async () => {
    const { prefix, service, runId, idx } = await setup();
    const a = await service.insertStepState(runId, 'a', 'rpcA', {});
    await retype(redis.client, idx.pending);
    expect(await failsWithoutWrites(redis.client, prefix, () => service.setStepRunning(a.stepId))).toMatchObject({ message: expect.stringMatching(/WRONGTYPE/) });
    expect(await failsWithoutWrites(redis.client, prefix, () => service.setStepRunning(a.stepId))).toMatchObject({ message: expect.stringMatching(/WRONGTYPE/) });
  });

  it('delete-run: a non-integer run count fails before the run is deleted', async () => {
    const { prefix, service, runs, runId, idx } = await setup();
    await service.insertStepState(runId, 'a', 'rpcA', {});
    await redis.client.hset(idx.counts, workflowDigest('orders'), 'garbage');
    expect(await failsWithoutWrites(redis.client, prefix, () => runs.deleteRun(runId))).toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('create-run: a non-integer run count fails before the run is stored', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix, { partitions: 1 });
    await service.createRun('orders', {}, false, 'g', wire);
    await redis.client.hset(keysFor(prefix, 1).indexes(0).counts, workflowDigest('orders'), 'garbage');
    expect(await failsWithoutWrites(redis.client, prefix, () => service.createRun('orders', {}, false, 'g', wire))).toMatchObject({ code: 'CORRUPT_DATA' });
  });
});
