import { useTestRedis } from '@redstate/testing/vitest';
import { NotFoundError, ValidationError, verifyScripts } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import { TerminalStateError, workflowScripts } from '../src/index.js';
import { keysUnder, services, wire } from './helpers.js';

describe('run and step transitions', () => {
  const redis = useTestRedis('wf-transitions');

  it('creates a run in status running and reads it back with every field', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', { big: 12345678901234567890n.toString(), list: [] }, true, 'g1', { type: 'http', pikkuUserId: 'u1' }, {
      deterministic: true,
      plannedSteps: [{ stepName: 'a', displayName: 'A' }],
    });
    const run = await service.getRun(runId);
    expect(run).toMatchObject({
      id: runId,
      workflow: 'orders',
      status: 'running',
      input: { big: '12345678901234567890', list: [] },
      inline: true,
      graphHash: 'g1',
      deterministic: true,
      plannedSteps: [{ stepName: 'a', displayName: 'A' }],
      wire: { type: 'http', pikkuUserId: 'u1' },
    });
    expect(run?.createdAt).toBeInstanceOf(Date);
    expect(run?.output).toBeUndefined();
  });

  it('keeps the first terminal outcome: same status again is a no-op, another status is rejected', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    await service.updateRunStatus(runId, 'suspended', undefined, { message: 'waiting' });
    expect((await service.getRun(runId))?.status).toBe('suspended');
    await service.updateRunStatus(runId, 'completed', { ok: 1 });
    await service.updateRunStatus(runId, 'completed', { ok: 2 });
    await expect(service.updateRunStatus(runId, 'failed', undefined, { message: 'late' })).rejects.toBeInstanceOf(TerminalStateError);
    await expect(service.updateRunStatus(runId, 'running')).rejects.toBeInstanceOf(TerminalStateError);
    const run = await service.getRun(runId);
    expect(run?.status).toBe('completed');
    expect(run?.output).toEqual({ ok: 1 });
    expect(run?.error).toBeUndefined();
  });

  it('rejects a transition of a step attempt that already succeeded or failed', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', 'rpcA', { n: 1 });
    await service.setStepRunning(a.stepId);
    await service.setStepResult(a.stepId, { done: true });
    await expect(service.setStepError(a.stepId, new Error('late'))).rejects.toBeInstanceOf(TerminalStateError);
    await expect(service.setStepRunning(a.stepId)).rejects.toBeInstanceOf(TerminalStateError);
    await expect(service.setStepResult(a.stepId, { again: true })).rejects.toBeInstanceOf(TerminalStateError);
    const b = await service.insertStepState(runId, 'b', null, undefined);
    await service.setStepError(b.stepId, new Error('boom'));
    await expect(service.setStepResult(b.stepId, 1)).rejects.toBeInstanceOf(TerminalStateError);
    expect(await service.getStepState(runId, 'a')).toMatchObject({ status: 'succeeded', result: { done: true } });
    expect(await service.getStepState(runId, 'b')).toMatchObject({ status: 'failed', rpcName: null, error: { message: 'boom', name: 'Error' } });
  });

  it('records every attempt in order with attempt counts, results and errors', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const first = await service.insertStepState(runId, 'charge', 'charge', { amount: 5 }, { retries: 2, retryDelay: 100 });
    await service.setStepRunning(first.stepId);
    await service.setStepError(first.stepId, new Error('declined'));
    const second = await service.createRetryAttempt(first.stepId, 'running');
    expect(second).toMatchObject({ status: 'running', attemptCount: 2, retries: 2, retryDelay: 100, rpcName: 'charge' });
    expect(second.runningAt).toBeInstanceOf(Date);
    await service.setStepError(second.stepId, new Error('declined again'));
    const third = await service.createRetryAttempt(second.stepId, 'pending');
    await service.setStepRunning(third.stepId);
    await service.setStepResult(third.stepId, [1, 2]);
    const ship = await service.insertStepState(runId, 'ship', 'ship', {}, undefined, 'charge');
    await service.setStepScheduled(ship.stepId);

    const history = await service.getRunHistory(runId);
    expect(history.map((h) => [h.stepName, h.attemptCount, h.status])).toEqual([
      ['charge', 1, 'failed'],
      ['charge', 2, 'failed'],
      ['charge', 3, 'succeeded'],
      ['ship', 1, 'scheduled'],
    ]);
    expect(history[0]?.error?.message).toBe('declined');
    expect(history[2]?.result).toEqual([1, 2]);
    expect(history[3]?.fromStepName).toBe('charge');
    expect(await runs.getRunHistory(runId)).toEqual(history);
    const steps = await runs.getRunSteps(runId);
    expect(steps.map((s) => [s.stepName, s.attemptCount, s.rpcName, s.data])).toEqual([
      ['charge', 1, 'charge', { amount: 5 }],
      ['charge', 2, 'charge', { amount: 5 }],
      ['charge', 3, 'charge', { amount: 5 }],
      ['ship', 1, 'ship', {}],
    ]);
    const status = await service.getRunStatus(runId);
    expect(status?.steps.find((s) => s.name === 'charge')).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('retries only the current failed attempt, once', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', 'rpc', {});
    await expect(service.createRetryAttempt(a.stepId, 'pending')).rejects.toThrow(/only a failed attempt/);
    await service.setStepError(a.stepId, new Error('x'));
    await service.createRetryAttempt(a.stepId, 'pending');
    await expect(service.createRetryAttempt(a.stepId, 'pending')).rejects.toThrow(/already retried/);
    expect((await service.getRunHistory(runId)).length).toBe(2);
  });

  it('tracks branches, child runs, node results and graph state from current attempts', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('graph', {}, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', 'rpc', {});
    await service.setStepResult(a.stepId, { v: 'A' });
    await service.setBranchTaken(a.stepId, 'left');
    const b = await service.insertStepState(runId, 'b', 'rpc', {}, { retries: 0 });
    await service.setStepError(b.stepId, new Error('bad'));
    const c = await service.insertStepState(runId, 'c', 'child-wf', {}, { retries: 3 }, 'a');
    await service.setStepChildRunId(c.stepId, 'child-run-1');
    await service.setStepError(c.stepId, new Error('retry me'));

    expect(await service.getCompletedGraphState(runId)).toEqual({
      completedNodeIds: ['a'],
      failedNodeIds: ['b'],
      branchKeys: { a: 'left' },
    });
    expect(await service.getNodeResults(runId, ['a', 'b', 'missing'])).toEqual({ a: { v: 'A' } });
    expect(await service.getStepInstances(runId)).toEqual([
      { stepName: 'a', status: 'succeeded' },
      { stepName: 'b', status: 'failed' },
      { stepName: 'c', status: 'failed', fromStepName: 'a' },
    ]);
    expect((await service.getStepState(runId, 'c')).childRunId).toBe('child-run-1');
  });

  it('a step or run state named "__proto__" stays a plain key in every map it appears in', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('graph', {}, false, 'g', wire);
    const step = await service.insertStepState(runId, '__proto__', 'rpc', {});
    await service.setStepResult(step.stepId, { polluted: true });
    await service.setBranchTaken(step.stepId, 'left');
    await service.updateRunState(runId, '__proto__', { polluted: true });

    const results = await service.getNodeResults(runId, ['__proto__']);
    const graph = await service.getCompletedGraphState(runId);
    const state = await service.getRunState(runId);
    for (const map of [results, graph.branchKeys, state]) {
      expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
      expect(Object.keys(map)).toEqual(['__proto__']);
      expect((map as { polluted?: boolean }).polluted).toBeUndefined();
    }
    expect(Object.getOwnPropertyDescriptor(results, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.getOwnPropertyDescriptor(graph.branchKeys, '__proto__')?.value).toBe('left');
    expect(Object.getOwnPropertyDescriptor(state, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('stores results as opaque JSON: empty arrays, undefined and big numbers survive', async () => {
    const { service } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', undefined, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', null, undefined);
    await service.setStepResult(a.stepId, { empty: [], nested: { arr: [] }, n: 123456789012345, f: 0.1234567890123456 });
    const b = await service.insertStepState(runId, 'b', null, undefined);
    await service.setStepResult(b.stepId, undefined);
    expect((await service.getStepState(runId, 'a')).result).toEqual({ empty: [], nested: { arr: [] }, n: 123456789012345, f: 0.1234567890123456 });
    expect((await service.getStepState(runId, 'b')).result).toBeUndefined();
    expect((await service.getStepState(runId, 'b')).status).toBe('succeeded');
    expect((await service.getRun(runId))?.input).toBeUndefined();
    await service.updateRunState(runId, 'list', []);
    expect(await service.getRunState(runId)).toEqual({ list: [] });
  });

  it('stores versions once and updates their status', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix());
    await service.upsertWorkflowVersion('wf:addon', 'h{1}', { nodes: [] }, 'graph', 'draft');
    await service.upsertWorkflowVersion('wf:addon', 'h{1}', { nodes: ['x'] }, 'dsl');
    await service.updateWorkflowVersionStatus('wf:addon', 'h{1}', 'active');
    await service.updateWorkflowVersionStatus('missing', 'h', 'active');
    expect(await runs.getWorkflowVersion('wf:addon', 'h{1}')).toEqual({ graph: { nodes: [] }, source: 'graph' });
    expect(await service.getWorkflowVersion('missing', 'h')).toBeNull();
  });

  it('builds every key under the prefix with the run partition as hash tag', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix, { partitions: 1 });
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    await service.insertStepState(runId, 'a', 'rpc', {});
    await service.updateRunState(runId, 'k', 1);
    const keys = await keysUnder(redis.client, prefix);
    const runKeys = keys.filter((k) => k.includes(runId));
    expect(runKeys).toEqual(
      [`${prefix}:{wf:p0}:current:${runId}`, `${prefix}:{wf:p0}:run:${runId}`, `${prefix}:{wf:p0}:state:${runId}`, `${prefix}:{wf:p0}:steps:${runId}`].sort(),
    );
    expect(keys).toContain(`${prefix}:{wf:p0}:idx:all`);
    expect(keys).toContain(`${prefix}:{wf:p0}:idx:status:running`);
  });

  it('rejects bad input with typed errors and writes nothing', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    await service.ensureSchema();
    const before = await keysUnder(redis.client, prefix);
    await expect(service.createRun('', {}, false, 'g', wire)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.createRun('wf', { bad: 1n }, false, 'g', wire)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.createRun('wf', {}, false, 'g', null as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.updateRunStatus('nope', 'completed')).rejects.toBeInstanceOf(NotFoundError);
    const runId = await service.createRun('wf', {}, false, 'g', wire);
    const after = await keysUnder(redis.client, prefix);
    await expect(service.updateRunStatus(runId, 'exploded' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.insertStepState(runId, '', 'rpc', {})).rejects.toBeInstanceOf(ValidationError);
    await expect(service.insertStepState(runId, 'a', 'rpc', {}, { retries: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(service.setStepRunning('not-a-step')).rejects.toBeInstanceOf(ValidationError);
    await expect(service.setStepRunning(`${runId}.99`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.updateRunState(runId, 'x', () => 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(service.getStepState(runId, 'missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(await keysUnder(redis.client, prefix)).toEqual(after);
    expect(after.length).toBeGreaterThan(before.length);
    expect((await service.getRun(runId))?.status).toBe('running');
    expect(await service.getRunHistory(runId)).toEqual([]);
    expect(await service.getRun('unknown')).toBeNull();
  });

  it('reports corrupt stored data as CorruptDataError naming the run', async () => {
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix, { partitions: 1 });
    const runId = await service.createRun('wf', {}, false, 'g', wire);
    await redis.client.hset(`${prefix}:{wf:p0}:run:${runId}`, 'spec', '{not json');
    await expect(service.getRun(runId)).rejects.toThrow(new RegExp(`workflow run ${runId}`));
    await expect(service.getRun(runId)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    // Read together with healthy runs, only the corrupt run fails.
    const healthy = await service.createRun('wf', { ok: 1 }, false, 'g', wire);
    const settled = await Promise.allSettled([service.getRun(healthy), service.getRun(runId), service.getRun(healthy)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (const [field, value] of [
      ['status', 'bogus'],
      ['createdAt', 'soon'],
      ['spec', '[1]'],
      ['spec', '{"inline":"yes","wire":{"type":"t"}}'],
      ['spec', '{"inline":false,"wire":{"no":"type"}}'],
      ['spec', '{"inline":false,"wire":{"type":"t"},"plannedSteps":[{}]}'],
    ]) {
      const other = await service.createRun('wf', {}, false, 'g', wire);
      await redis.client.hset(`${prefix}:{wf:p0}:run:${other}`, field as string, value as string);
      await expect(service.getRun(other), `${field}=${value}`).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    }
  });

  it('reads runs stored before 002-run-spec (creation fields kept apart), alone and in listings', async () => {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix, { partitions: 1 });
    const options = { deterministic: true, plannedSteps: [{ stepName: 'a' }] } as never;
    const runId = await service.createRun('legacy-wf', { n: 1 }, true, 'g1', wire, options);
    await service.updateRunStatus(runId, 'completed', { done: true });
    const current = await service.getRun(runId);
    // Rewrite the hash the way versions before `spec` stored it.
    const key = `${prefix}:{wf:p0}:run:${runId}`;
    await redis.client.hdel(key, 'spec');
    await redis.client.hset(key, {
      inline: '1',
      wire: JSON.stringify(wire),
      graphHash: 'g1',
      deterministic: '1',
      plannedSteps: '[{"stepName":"a"}]',
    });
    expect(await service.getRun(runId)).toEqual(current);
    expect(await runs.listRuns({ workflowName: 'legacy-wf' })).toEqual([current]);
    await redis.client.hset(key, 'inline', 'yes');
    await expect(service.getRun(runId)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('every script hash matches the server', async () => {
    expect(await verifyScripts(redis.client, workflowScripts)).toEqual([]);
  });

  it('refuses to run with another partition count than the stored layout', async () => {
    const prefix = redis.newPrefix();
    await services(redis.client, prefix, { partitions: 4 }).service.ensureSchema();
    await expect(services(redis.client, prefix, { partitions: 8 }).service.ensureSchema()).rejects.toMatchObject({ code: 'LAYOUT_MISMATCH' });
    await expect(services(redis.client, prefix, { partitions: 8 }).service.createRun('x', {}, false, 'g', wire)).rejects.toMatchObject({
      code: 'LAYOUT_MISMATCH',
    });
  });
});
