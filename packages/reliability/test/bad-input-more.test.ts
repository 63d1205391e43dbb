import { RedisStateStore } from '@redstate/agent-state';
import { RedisChannelStore } from '@redstate/channels';
import { RedstateError, ValidationError } from '@redstate/core';
import { RedisHitlState } from '@redstate/hitl';
import { useTestRedis } from '@redstate/testing/vitest';
import { RedisWorkflowService } from '@redstate/workflow';
import { describe, expect, it } from 'vitest';
import { deepJson, FUZZ_IDS, INVALID_IDS, NON_JSON_VALUES, TEN_MB } from '../src/fuzz.js';

const redis = useTestRedis('bad-input-more');

/** Calls `fn` with a bad value and demands a typed ValidationError (never a TypeError or a write). */
async function expectValidation(fn: () => Promise<unknown>, what = ''): Promise<void> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RedstateError.isInstance(error), `${what}: expected a RedstateError, got ${String(error)}`).toBe(true);
  expect(error, what).toBeInstanceOf(ValidationError);
}

/**
 * Writes with an awkward id either succeed or are refused with a ValidationError; returns
 * whether it was stored (the caller then reads it back exactly).
 */
async function acceptedOrRefused(fn: () => Promise<unknown>, what: string): Promise<boolean> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return true;
  expect(error, `${what}: ${String(error)}`).toBeInstanceOf(ValidationError);
  return false;
}

const deepPayload = () => ({ deep: deepJson(100), big: 2 ** 53 - 1, empty: [], obj: {}, text: 'ümlaut 漢字 🔥' });
const tableOf = (prefix: string) => prefix.replace(/[^A-Za-z0-9_]/g, '_');

describe('hitl: fuzzed ids and payloads', () => {
  const request = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    token: `tok#${id}`,
    channel: 'approvals',
    namespace: 'global',
    message: 'Approve?',
    actions: [{ id: 'approve' }],
    ...extra,
  });

  it('each awkward id, token and namespace is its own request and reads back exactly', async () => {
    const state = new RedisHitlState(redis.client, { tableName: tableOf(redis.newPrefix('h')) });
    const stored: string[] = [];
    for (const [n, id] of FUZZ_IDS.entries()) {
      if (await acceptedOrRefused(() => state.create(request(id, { namespace: id, context: { n } })), `create ${JSON.stringify(id)}`)) {
        stored.push(id);
      }
    }
    expect(stored.length).toBeGreaterThan(0);
    for (const [n, id] of FUZZ_IDS.entries()) {
      if (!stored.includes(id)) continue;
      const got = await state.get(id);
      expect(got).toMatchObject({ id, token: `tok#${id}`, namespace: id, status: 'pending', context: { n } });
      expect((await state.findByToken(`tok#${id}`))?.id).toBe(id);
      expect(await state.count({ namespace: id })).toBe(1);
      expect((await state.list({ namespace: id })).items.map((r) => r.id)).toEqual([id]);
    }
    expect(await state.count()).toBe(stored.length);
    const [first, ...rest] = stored;
    await state.resolve(first ?? '', { type: 'TIMED_OUT', id: first ?? '', externalRef: '' });
    expect((await state.get(first ?? ''))?.status).toBe('resolved');
    for (const id of rest) expect((await state.get(id))?.status).toBe('pending');
  });

  it('round-trips deep JSON and 10 MB strings exactly', async () => {
    const state = new RedisHitlState(redis.client, { tableName: tableOf(redis.newPrefix('h')) });
    const deep = deepPayload();
    await state.create(request('deep', { context: deep }));
    expect((await state.get('deep'))?.context).toEqual(deep);
    await state.resolve('deep', { type: 'RESOLVED', actionId: 'approve', id: 'deep', externalRef: '', feedbacks: deep });
    const resolved = await state.get('deep');
    expect(resolved?.result?.type === 'RESOLVED' ? resolved.result.feedbacks : null).toEqual(deep);
    await state.create(request('huge', { message: TEN_MB, context: { text: TEN_MB } }));
    const huge = await state.get('huge');
    expect(huge?.message).toBe(TEN_MB);
    expect(huge?.context).toEqual({ text: TEN_MB });
  });

  it('refuses invalid ids and values JSON would change with ValidationError, writing nothing', async () => {
    const state = new RedisHitlState(redis.client, { tableName: tableOf(redis.newPrefix('h')) });
    await state.create(request('ok'));
    for (const id of INVALID_IDS) {
      await expectValidation(() => state.create(request(id as string)), `create ${String(id)}`);
      await expectValidation(() => state.resolve(id as string, { type: 'TIMED_OUT', id: 'ok', externalRef: '' }), `resolve ${String(id)}`);
      await expectValidation(() => state.setExternalId(id as string, 'ext'), `setExternalId ${String(id)}`);
    }
    for (const [name, value] of Object.entries(NON_JSON_VALUES)) {
      await expectValidation(() => state.create(request(`bad-${name}`, { context: { value } })), `create context ${name}`);
      await expectValidation(
        () => state.resolve('ok', { type: 'RESOLVED', actionId: 'approve', id: 'ok', externalRef: '', feedbacks: { value } }),
        `resolve feedbacks ${name}`,
      );
    }
    expect(await state.count()).toBe(1);
    expect((await state.get('ok'))?.status).toBe('pending');
  });
});

describe('agent-state: fuzzed ids and payloads', () => {
  const stateOf = (sessionId: string, extra: Record<string, unknown> = {}) => ({
    sessionId,
    agentType: 'fuzz',
    status: 'running' as const,
    stepCount: 1,
    customState: {},
    ...extra,
  });

  it('each awkward session id is its own session and reads back exactly', async () => {
    const store = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('as'), ttl: 0 });
    const stored: string[] = [];
    for (const [n, id] of FUZZ_IDS.entries()) {
      const state = stateOf(id, { customState: { n }, messages: [{ role: 'user', content: id }] });
      if (await acceptedOrRefused(() => store.saveState(id, state), `saveState ${JSON.stringify(id)}`)) stored.push(id);
    }
    expect(stored.length).toBeGreaterThan(0);
    for (const [n, id] of FUZZ_IDS.entries()) {
      if (!stored.includes(id)) continue;
      const state = await store.loadState(id);
      expect(state).toMatchObject({ sessionId: id, customState: { n } });
      expect(state?.messages.map((m) => m.content)).toEqual([id]);
    }
    const [first, ...rest] = stored;
    expect(await store.deleteSession(first ?? '')).toBe(true);
    for (const id of rest) expect(await store.loadState(id)).not.toBeNull();
  });

  it('round-trips deep JSON and 10 MB strings exactly', async () => {
    const store = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('as'), ttl: 0 });
    const deep = deepPayload();
    await store.saveState('deep', stateOf('deep', { customState: deep, output: deep, metadata: deep, messages: [{ role: 'tool', content: deep }] }));
    const loaded = await store.loadState('deep');
    expect(loaded?.customState).toEqual(deep);
    expect(loaded?.output).toEqual(deep);
    expect(loaded?.metadata).toEqual(deep);
    expect(loaded?.messages[0]?.content).toEqual(deep);
    await store.saveState('huge', stateOf('huge', { customState: { text: TEN_MB } }));
    await store.appendMessages('huge', [{ role: 'assistant', content: TEN_MB }]);
    const huge = await store.loadState('huge');
    expect(huge?.customState).toEqual({ text: TEN_MB });
    expect(huge?.messages.map((m) => m.content)).toEqual([TEN_MB]);
  });

  it('refuses invalid ids and values JSON would change with ValidationError, writing nothing', async () => {
    const store = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('as'), ttl: 0 });
    await store.saveState('ok', stateOf('ok', { customState: { n: 1 } }));
    for (const id of INVALID_IDS) {
      await expectValidation(() => store.saveState(id as string, stateOf(id as string)), `saveState ${String(id)}`);
      await expectValidation(() => store.appendMessages(id as string, [{ role: 'user', content: 'x' }]), `appendMessages ${String(id)}`);
      await expectValidation(() => store.incrementResumeCount(id as string), `incrementResumeCount ${String(id)}`);
    }
    for (const [name, value] of Object.entries(NON_JSON_VALUES)) {
      await expectValidation(() => store.saveState(`bad-${name}`, stateOf(`bad-${name}`, { customState: { value } })), `customState ${name}`);
      await expectValidation(() => store.saveState(`bad-${name}`, stateOf(`bad-${name}`, { output: value })), `output ${name}`);
      // Typed as JSON, so only a caller without types (or with a cast) can pass these.
      const message = { role: 'user', content: value } as unknown as Parameters<RedisStateStore['appendMessages']>[1][number];
      await expectValidation(() => store.appendMessages('ok', [message]), `message ${name}`);
      expect(await store.loadState(`bad-${name}`)).toBeNull();
    }
    const ok = await store.loadState('ok');
    expect(ok?.customState).toEqual({ n: 1 });
    expect(ok?.messages).toEqual([]);
  });
});

describe('channels: fuzzed ids and payloads', () => {
  it('each awkward channel id and topic is its own and reads back exactly', async () => {
    const store = new RedisChannelStore(redis.client, { keyPrefix: redis.newPrefix('ch') });
    const stored: string[] = [];
    for (const [n, id] of FUZZ_IDS.entries()) {
      const ok = await acceptedOrRefused(async () => {
        await store.addChannel({ channelId: id, channelName: 'chat', openingData: { n } });
        await store.subscribe(id, id);
        await store.setState(id, { n });
      }, `channel ${JSON.stringify(id)}`);
      if (ok) stored.push(id);
    }
    expect(stored.length).toBeGreaterThan(0);
    for (const [n, id] of FUZZ_IDS.entries()) {
      if (!stored.includes(id)) continue;
      expect(await store.getChannel(id)).toEqual({ channelId: id, channelName: 'chat', openingData: { n } });
      expect(await store.getState(id)).toEqual({ n });
      expect(await store.getChannelIdsForTopic(id)).toEqual([id]);
    }
    const [first, ...rest] = stored;
    await store.removeChannels([first ?? '']);
    expect(await store.getChannelIdsForTopic(first ?? '')).toEqual([]);
    for (const id of rest) expect(await store.getChannelIdsForTopic(id)).toEqual([id]);
  });

  it('round-trips deep JSON and 10 MB strings exactly', async () => {
    const store = new RedisChannelStore(redis.client, { keyPrefix: redis.newPrefix('ch') });
    const deep = deepPayload();
    await store.addChannel({ channelId: 'deep', channelName: 'chat', openingData: deep });
    await store.setState('deep', deep);
    expect((await store.getChannel('deep')).openingData).toEqual(deep);
    expect(await store.getState('deep')).toEqual(deep);
    await store.addChannel({ channelId: 'huge', channelName: 'chat', openingData: { text: TEN_MB } });
    await store.setState('huge', TEN_MB);
    expect((await store.getChannel('huge')).openingData).toEqual({ text: TEN_MB });
    expect(await store.getState('huge')).toBe(TEN_MB);
  });

  it('refuses invalid ids and values JSON would change with ValidationError, writing nothing', async () => {
    const store = new RedisChannelStore(redis.client, { keyPrefix: redis.newPrefix('ch') });
    await store.addChannel({ channelId: 'ok', channelName: 'chat' });
    await store.setState('ok', { n: 1 });
    for (const id of INVALID_IDS) {
      await expectValidation(() => store.addChannel({ channelId: id as string, channelName: 'chat' }), `addChannel ${String(id)}`);
      await expectValidation(() => store.setState(id as string, {}), `setState ${String(id)}`);
      await expectValidation(() => store.subscribe('t', id as string), `subscribe channel ${String(id)}`);
      await expectValidation(() => store.subscribe(id as string, 'ok'), `subscribe topic ${String(id)}`);
    }
    for (const [name, value] of Object.entries(NON_JSON_VALUES)) {
      await expectValidation(() => store.setState('ok', value), `setState ${name}`);
      await expectValidation(() => store.setState('ok', { value }), `setState nested ${name}`);
      await expectValidation(() => store.addChannel({ channelId: `bad-${name}`, channelName: 'chat', openingData: { value } }), `openingData ${name}`);
      await expect(store.getChannel(`bad-${name}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await store.getState('ok')).toEqual({ n: 1 });
    expect(await store.getChannelIdsForTopic('t')).toEqual([]);
  });
});

describe('workflow: fuzzed names and payloads', () => {
  const wire = { type: 'fuzz' };

  it('each awkward workflow and step name is its own and reads back exactly', async () => {
    const service = new RedisWorkflowService(redis.client, { keyPrefix: redis.newPrefix('wf') });
    await service.ensureSchema();
    const runs = new Map<string, string>();
    for (const [n, name] of FUZZ_IDS.entries()) {
      let runId = '';
      if (await acceptedOrRefused(async () => (runId = await service.createRun(name, { n }, false, 'graph-1', wire)), `createRun ${JSON.stringify(name)}`)) {
        runs.set(name, runId);
      }
    }
    expect(runs.size).toBeGreaterThan(0);
    const host = await service.createRun('host', {}, false, 'graph-1', wire);
    const steps = new Map<string, string>();
    for (const [n, step] of FUZZ_IDS.entries()) {
      let stepId = '';
      const ok = await acceptedOrRefused(async () => {
        stepId = (await service.insertStepState(host, step, 'rpc', { n })).stepId;
      }, `insertStepState ${JSON.stringify(step)}`);
      if (ok) steps.set(step, stepId);
    }
    for (const [n, name] of FUZZ_IDS.entries()) {
      const runId = runs.get(name);
      if (runId) expect(await service.getRun(runId)).toMatchObject({ id: runId, workflow: name, input: { n } });
    }
    expect(new Set(steps.values()).size).toBe(steps.size);
    for (const [step, stepId] of steps) expect((await service.getStepState(host, step)).stepId).toBe(stepId);
  });

  it('round-trips deep JSON and 10 MB strings exactly', async () => {
    const service = new RedisWorkflowService(redis.client, { keyPrefix: redis.newPrefix('wf') });
    await service.ensureSchema();
    const deep = deepPayload();
    const runId = await service.createRun('deep', deep, false, 'graph-1', wire);
    await service.updateRunStatus(runId, 'completed', deep);
    expect(await service.getRun(runId)).toMatchObject({ input: deep, output: deep, status: 'completed' });
    const hugeId = await service.createRun('huge', { text: TEN_MB }, false, 'graph-1', wire);
    await service.updateRunStatus(hugeId, 'completed', TEN_MB);
    const huge = await service.getRun(hugeId);
    expect(huge?.input).toEqual({ text: TEN_MB });
    expect(huge?.output).toBe(TEN_MB);
  });

  it('refuses invalid names and values JSON would change with ValidationError, writing nothing', async () => {
    const service = new RedisWorkflowService(redis.client, { keyPrefix: redis.newPrefix('wf') });
    await service.ensureSchema();
    const runs = service.runService();
    const runId = await service.createRun('ok', { n: 1 }, false, 'graph-1', wire);
    for (const name of INVALID_IDS) {
      await expectValidation(() => service.createRun(name as string, {}, false, 'graph-1', wire), `createRun ${String(name)}`);
      await expectValidation(() => service.insertStepState(runId, name as string, 'rpc', {}), `insertStepState ${String(name)}`);
    }
    for (const [name, value] of Object.entries(NON_JSON_VALUES)) {
      await expectValidation(() => service.createRun(`bad-${name}`, { value }, false, 'graph-1', wire), `createRun input ${name}`);
      await expectValidation(() => service.updateRunStatus(runId, 'completed', { value }), `updateRunStatus output ${name}`);
      await expectValidation(() => service.insertStepState(runId, `step-${name}`, 'rpc', { value }), `insertStepState data ${name}`);
    }
    expect(await service.getRun(runId)).toMatchObject({ status: 'running', input: { n: 1 } });
    const listed = await runs.listRuns({ limit: 100 });
    expect(listed.map((r) => r.id)).toEqual([runId]);
  });
});
