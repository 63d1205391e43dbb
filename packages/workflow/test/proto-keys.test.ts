import type { WorkflowPlannedStep, WorkflowRunWire } from '@pikku/core/workflow';
import type { SerializedError } from '@pikku/core';
import { ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStepId } from '../src/ids.js';
import { keysFor, services, wire } from './helpers.js';

// JSON.parse keeps "__proto__" as an own data property; such user data must come back unchanged.
const withProto = <T = Record<string, unknown>>(extra: string): T => JSON.parse(`{"__proto__":{"polluted":true},${extra}}`) as T;

function expectSame(readBack: unknown, original: unknown): void {
  expect(JSON.stringify(readBack)).toBe(JSON.stringify(original));
  expect(Object.hasOwn(readBack as object, '__proto__')).toBe(true);
}

describe('own "__proto__" keys in user data', () => {
  const redis = useTestRedis('wf-proto-keys');

  afterEach(() => {
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('keeps them in a run error (getRun, listRuns, listRunsPage)', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix());
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const error = withProto<SerializedError>('"message":"boom","code":"E1"');
    await service.updateRunStatus(runId, 'failed', undefined, error);
    expectSame((await service.getRun(runId))?.error, error);
    expectSame((await runs.getRun(runId))?.error, error);
    expectSame((await runs.listRuns({ workflowName: 'orders' }))[0]?.error, error);
    expectSame((await runs.listRunsPage({ status: 'failed' })).runs[0]?.error, error);
  });

  it('keeps them in planned steps (createRun -> getRun, listRuns)', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix());
    const step = withProto<WorkflowPlannedStep>('"stepName":"a","displayName":"A"');
    const runId = await service.createRun('orders', {}, false, 'g', wire, { plannedSteps: [step] });
    const read = (await service.getRun(runId))?.plannedSteps;
    expect(JSON.stringify(read)).toBe(JSON.stringify([step]));
    expectSame(read?.[0], step);
    expectSame((await runs.listRuns())[0]?.plannedSteps?.[0], step);
    // as strict as before: a planned step without a string stepName is still refused
    const bad = [withProto<WorkflowPlannedStep>('"stepName":1')];
    await expect(service.createRun('orders', {}, false, 'g', wire, { plannedSteps: bad })).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps them in a step error as stored (getRunHistory, getRunSteps, getStepState)', async () => {
    // setStepError stores only name/message/stack/expected, so write the error field as another writer could.
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix);
    const runId = await service.createRun('orders', {}, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', 'rpcA', {});
    await service.setStepError(a.stepId, new Error('boom'));
    const error = withProto<SerializedError>('"message":"boom","name":"Error"');
    await redis.client.hset(keysFor(prefix).run(runId).steps, `${parseStepId(a.stepId)!.seq}:error`, JSON.stringify(error));
    expectSame((await service.getRunHistory(runId))[0]?.error, error);
    expectSame((await runs.getRunSteps(runId))[0]?.error, error);
    expectSame((await service.getStepState(runId, 'a')).error, error);
  });

  it('keeps them in run input, output, wire, step data, step result, run state and node results', async () => {
    const { service, runs } = services(redis.client, redis.newPrefix());
    const input = withProto('"n":1');
    const output = withProto('"n":2');
    const runWire = withProto<WorkflowRunWire>('"type":"http"');
    const data = withProto('"n":3');
    const result = withProto('"n":4');
    const state = withProto('"n":5');
    const runId = await service.createRun('orders', input, false, 'g', runWire);
    const a = await service.insertStepState(runId, 'a', 'rpcA', data);
    await service.setStepResult(a.stepId, result);
    await service.updateRunState(runId, 'memo', state);
    await service.updateRunStatus(runId, 'completed', output);
    const run = await service.getRun(runId);
    expectSame(run?.input, input);
    expectSame(run?.output, output);
    expectSame(run?.wire, runWire);
    expectSame((await runs.getRunSteps(runId))[0]?.data, data);
    expectSame((await service.getStepState(runId, 'a')).result, result);
    expectSame((await service.getNodeResults(runId, ['a'])).a, result);
    expectSame((await service.getRunState(runId)).memo, state);
  });
});
