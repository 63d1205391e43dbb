import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { TerminalStateError } from '../src/index.js';
import { keysFor, services, wire } from './helpers.js';

const WORKERS = 12;

describe('racing workers', () => {
  const redis = useTestRedis('wf-race');

  it('exactly one terminal outcome wins when workers race to finish a run', async () => {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix);
    const runIds = await Promise.all(Array.from({ length: 10 }, () => service.createRun('race', {}, false, 'g', wire)));
    const workers = Array.from({ length: WORKERS }, () => services(redis.connect(), prefix).service);
    for (const runId of runIds) {
      const outcomes = await Promise.allSettled(
        workers.map((w, i) =>
          i % 2 === 0 ? w.updateRunStatus(runId, 'completed', { by: i }) : w.updateRunStatus(runId, 'failed', undefined, { message: `by ${i}` }),
        ),
      );
      const run = await service.getRun(runId);
      const winnerStatus = run?.status;
      expect(['completed', 'failed']).toContain(winnerStatus);
      // Workers that asked for the winning status succeed (no-op); the others are rejected.
      outcomes.forEach((o, i) => {
        const asked = i % 2 === 0 ? 'completed' : 'failed';
        if (asked === winnerStatus) expect(o.status).toBe('fulfilled');
        else expect(o.status === 'rejected' && o.reason instanceof TerminalStateError).toBe(true);
      });
      if (winnerStatus === 'completed') expect(run?.error).toBeUndefined();
      else expect(run?.output).toBeUndefined();
    }
    // The indexes agree with the runs: each run listed once, under its final status only.
    const completed = await runs.listRuns({ status: 'completed', limit: 100 });
    const failed = await runs.listRuns({ status: 'failed', limit: 100 });
    const running = await runs.listRuns({ status: 'running', limit: 100 });
    expect(running).toEqual([]);
    expect(new Set([...completed, ...failed].map((r) => r.id))).toEqual(new Set(runIds));
    expect(completed.length + failed.length).toBe(runIds.length);
  });

  it('one result wins when workers race to succeed or fail the same step attempt', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const runId = await service.createRun('race', {}, false, 'g', wire);
    const step = await service.insertStepState(runId, 's', 'rpc', {});
    const workers = Array.from({ length: WORKERS }, () => services(redis.connect(), prefix).service);
    const outcomes = await Promise.allSettled(
      workers.map((w, i) => (i % 2 === 0 ? w.setStepResult(step.stepId, { by: i }) : w.setStepError(step.stepId, new Error(`by ${i}`)))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => o.reason instanceof TerminalStateError)).toBe(true);
    const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
    const state = await service.getStepState(runId, 's');
    if (winner % 2 === 0) expect(state).toMatchObject({ status: 'succeeded', result: { by: winner } });
    else expect(state).toMatchObject({ status: 'failed', error: { message: `by ${winner}` } });
  });

  it('racing retries of one failed attempt create exactly one new attempt', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const runId = await service.createRun('race', {}, false, 'g', wire);
    const step = await service.insertStepState(runId, 's', 'rpc', {}, { retries: 5 });
    await service.setStepError(step.stepId, new Error('first'));
    const workers = Array.from({ length: WORKERS }, () => services(redis.connect(), prefix).service);
    const outcomes = await Promise.allSettled(workers.map((w) => w.createRetryAttempt(step.stepId, 'running')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const history = await service.getRunHistory(runId);
    expect(history.map((h) => h.attemptCount)).toEqual([1, 2]);
  });

  it('racing inserts of the same step leave one attempt', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const runId = await service.createRun('race', {}, false, 'g', wire);
    const workers = Array.from({ length: WORKERS }, () => services(redis.connect(), prefix).service);
    const outcomes = await Promise.allSettled(workers.map((w, i) => w.insertStepState(runId, 'once', 'rpc', { i })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await service.getRunHistory(runId)).toHaveLength(1);
  });

  it('withRunLock and withStepLock exclude each other across connections', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const runId = await service.createRun('race', {}, false, 'g', wire);
    const workers = Array.from({ length: 6 }, () => services(redis.connect(), prefix, { lockTtlMs: 2000 }).service);
    let inside = 0;
    let maxInside = 0;
    let counter = 0;
    const critical = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      const read = counter;
      await new Promise((r) => setTimeout(r, 5));
      counter = read + 1;
      inside--;
    };
    await Promise.all(workers.flatMap((w) => [w.withRunLock(runId, critical), w.withRunLock(runId, critical)]));
    expect(maxInside).toBe(1);
    expect(counter).toBe(12);
    counter = 0;
    maxInside = 0;
    await Promise.all(workers.map((w) => w.withStepLock(runId, 'step', critical)));
    expect(maxInside).toBe(1);
    expect(counter).toBe(6);
    // Different steps do not block each other, and a lock is released when fn throws.
    await expect(service.withStepLock(runId, 'other', async () => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    expect(await service.withStepLock(runId, 'other', async () => 'again')).toBe('again');
  });

  it('a waiter gives up with LockTimeoutError and a lost lease surfaces as LockLostError', async () => {
    const prefix = redis.newPrefix();
    const holder = services(redis.client, prefix, { lockTtlMs: 5000 }).service;
    const waiter = services(redis.connect(), prefix, { lockWaitMs: 50 }).service;
    const runId = await holder.createRun('race', {}, false, 'g', wire);
    let release: () => void = () => {};
    const held = holder.withRunLock(runId, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 20));
    await expect(waiter.withRunLock(runId, async () => 1)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    // Someone deletes the lease (e.g. it expired while the holder stalled).
    await redis.client.del(keysFor(prefix).runLock(runId));
    release();
    await expect(held).rejects.toMatchObject({ code: 'LOCK_LOST' });
  });
});
