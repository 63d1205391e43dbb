import { type RedisServerHandle, startRedis } from '@redstate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyScripts } from '@redstate/core';
import { RedisWorkflowService, workflowScripts } from '../src/index.js';
import { services, wire } from './helpers.js';

describe('on a dedicated server', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs, attempts, state and indexes survive a kill -9 and restart (AOF)', async () => {
    const client = server.connect();
    const { service, runs } = services(client, 'restart');
    const runId = await service.createRun('durable', { x: 1 }, false, 'g', wire);
    const a = await service.insertStepState(runId, 'a', 'rpc', {});
    await service.setStepError(a.stepId, new Error('first'));
    const b = await service.createRetryAttempt(a.stepId, 'running');
    await service.setStepResult(b.stepId, 'ok');
    await service.updateRunState(runId, 'k', [1]);
    await service.updateRunStatus(runId, 'completed', { done: true });
    await client.quit();

    await server.kill('SIGKILL');
    await server.start();

    // A URL: the service owns this connection and closes it.
    const owned = new RedisWorkflowService(server.url, { keyPrefix: 'restart', wireQueues: false });
    const after = await owned.getRun(runId);
    expect(after).toMatchObject({ status: 'completed', output: { done: true }, input: { x: 1 } });
    expect((await owned.getRunHistory(runId)).map((h) => [h.attemptCount, h.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(await owned.getRunState(runId)).toEqual({ k: [1] });
    // Scripts were flushed by the restart: EVALSHA falls back to EVAL.
    await expect(owned.updateRunStatus(runId, 'running')).rejects.toMatchObject({ code: 'TERMINAL_STATE' });
    const listing = new (runs.constructor as typeof import('../src/index.js').RedisWorkflowRunService)(server.url, { keyPrefix: 'restart' });
    expect((await listing.listRuns({ status: 'completed' })).map((r) => r.id)).toEqual([runId]);
    await listing.close();
    await owned.close();
    await expect(owned.client.ping()).rejects.toThrow(/closed/);
  });

  it('costs one command (one round trip) per transition and per read', async () => {
    const client = server.connect();
    const { service } = services(client, 'round-trips');
    await service.ensureSchema();
    const warm = await service.createRun('rt', {}, false, 'g', wire);
    await service.updateRunStatus(warm, 'completed', 1);
    await verifyScripts(client, workflowScripts); // SCRIPT LOAD: later calls are EVALSHA hits
    // MONITOR shows each command a client sent (commands run inside Lua carry source "lua").
    const monitor = await server.connect().monitor();
    const seen: string[] = [];
    const markers = new Map<string, () => void>();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const waiter = args[0]?.toLowerCase() === 'echo' ? markers.get(String(args[1])) : undefined;
      if (waiter) waiter();
      else if (source !== 'lua') seen.push(String(args[0]).toLowerCase());
    });
    const mark = async (name: string) => {
      const arrived = new Promise<void>((resolve) => markers.set(name, resolve));
      await client.echo(name);
      await arrived;
    };
    const ops: Array<[string, () => Promise<unknown>]> = [];
    let runId = '';
    let stepId = '';
    ops.push(['createRun', async () => (runId = await service.createRun('rt', { a: 1 }, false, 'g', wire))]);
    ops.push(['insertStepState', async () => (stepId = (await service.insertStepState(runId, 's', 'rpc', {})).stepId)]);
    ops.push(['setStepRunning', () => service.setStepRunning(stepId)]);
    ops.push(['setStepResult', () => service.setStepResult(stepId, { ok: true })]);
    ops.push(['updateRunStatus', () => service.updateRunStatus(runId, 'completed', { done: 1 })]);
    ops.push(['getRun', () => service.getRun(runId)]);
    ops.push(['getStepState', () => service.getStepState(runId, 's')]);
    ops.push(['getRunHistory', () => service.getRunHistory(runId)]);
    for (const [name, op] of ops) {
      await mark(`before-${name}`);
      seen.length = 0;
      await op();
      await mark(`after-${name}`);
      expect([name, seen.length]).toEqual([name, 1]);
    }
    monitor.disconnect();
    await client.quit();
  });
});
