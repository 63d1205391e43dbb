import { useTestRedis } from '@redstate/testing/vitest';
import { ValidationError } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import type { RedisWorkflowService } from '../src/index.js';
import { services, wire } from './helpers.js';

// The recovery queries are protected hooks of Pikku's base class; tests call them directly.
type Hooks = {
  findStalledRunIds(before: Date, limit: number): Promise<string[]>;
  findUndispatchedSteps(before: Date, limit: number): Promise<Array<{ runId: string; stepId: string }>>;
};
const hooks = (service: RedisWorkflowService) => service as unknown as Hooks;
const later = () => new Date(Date.now() + 60_000);

describe('crash-recovery indexes', () => {
  const redis = useTestRedis('wf-recovery');

  it('finds running runs with nothing in flight, and only those', async () => {
    const { service } = services(redis.client, redis.newPrefix(), { partitions: 3 });
    const idle = await service.createRun('wf', {}, false, 'g', wire);
    const busy = await service.createRun('wf', {}, false, 'g', wire);
    const scheduled = await service.createRun('wf', {}, false, 'g', wire);
    const done = await service.createRun('wf', {}, false, 'g', wire);
    const parked = await service.createRun('wf', {}, false, 'g', wire);
    const settled = await service.createRun('wf', {}, false, 'g', wire);
    await service.setStepRunning((await service.insertStepState(busy, 's', 'rpc', {})).stepId);
    await service.setStepScheduled((await service.insertStepState(scheduled, 's', 'rpc', {})).stepId);
    await service.updateRunStatus(done, 'completed', 1);
    await service.updateRunStatus(parked, 'suspended');
    const s = await service.insertStepState(settled, 's', 'rpc', {});
    await service.setStepRunning(s.stepId);
    await service.setStepResult(s.stepId, 1);

    expect(new Set(await hooks(service).findStalledRunIds(later(), 100))).toEqual(new Set([idle, settled]));
    expect(await hooks(service).findStalledRunIds(new Date(0), 100)).toEqual([]);
    expect(await hooks(service).findStalledRunIds(later(), 1)).toHaveLength(1);
    // A failed attempt retried as running is in flight again.
    const f = await service.insertStepState(idle, 'f', 'rpc', {});
    await service.setStepError(f.stepId, new Error('x'));
    await service.createRetryAttempt(f.stepId, 'running');
    expect(await hooks(service).findStalledRunIds(later(), 100)).toEqual([settled]);
    await expect(hooks(service).findStalledRunIds(new Date('nope'), 1)).rejects.toBeInstanceOf(ValidationError);
  });

  it('finds pending step attempts of running runs until they are dispatched', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix(), { partitions: 3 });
    const a = await service.createRun('wf', {}, false, 'g', wire);
    const b = await service.createRun('wf', {}, false, 'g', wire);
    const c = await service.createRun('wf', {}, false, 'g', wire);
    const pa = await service.insertStepState(a, 'p', 'rpc', {});
    const pb = await service.insertStepState(b, 'p', 'rpc', {});
    const pc = await service.insertStepState(c, 'p', 'rpc', {});
    const dispatched = await service.insertStepState(a, 'q', 'rpc', {});
    await service.setStepScheduled(dispatched.stepId);
    expect(new Set((await hooks(service).findUndispatchedSteps(later(), 100)).map((x) => x.stepId))).toEqual(
      new Set([pa.stepId, pb.stepId, pc.stepId]),
    );
    await service.updateRunStatus(b, 'failed', undefined, { message: 'x' });
    await service.updateRunStatus(c, 'suspended');
    await service.setStepRunning(pa.stepId);
    expect(await hooks(service).findUndispatchedSteps(later(), 100)).toEqual([]);
    // A retry created as pending is undispatched again.
    await service.setStepError(pa.stepId, new Error('x'));
    const retry = await service.createRetryAttempt(pa.stepId, 'pending');
    expect(await hooks(service).findUndispatchedSteps(later(), 100)).toEqual([{ runId: a, stepId: retry.stepId }]);
    expect(await runs.deleteRun(a)).toBe(true);
    expect(await hooks(service).findUndispatchedSteps(later(), 100)).toEqual([]);
    expect(await hooks(service).findStalledRunIds(later(), 100)).toEqual([]);
  });
});
