import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisDeploymentService } from '../src/index.js';
import { serverNow } from './helpers.js';

const child = fileURLToPath(new URL('./fixtures/deployment-child.mjs', import.meta.url));
const TTL = 2000;

function startChild(url: string, prefix: string, id: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [child, url, prefix, id], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`child ${id} exited early with ${code}`)));
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(proc);
    });
  });
}

describe('three deployments in separate processes', () => {
  const redis = useTestRedis('deployments-procs');
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });

  it('a killed instance leaves the live set within heartbeatTtl; the others never do', async () => {
    const prefix = redis.newPrefix();
    const ids = ['dep-a', 'dep-b', 'dep-c'];
    procs.push(...(await Promise.all(ids.map((id) => startChild(redis.endpoint, prefix, id)))));
    const observer = new RedisDeploymentService({ heartbeatInterval: 100, heartbeatTtl: TTL }, redis.client, { keyPrefix: prefix });
    const liveIds = async () => (await observer.listLive()).map((d) => d.deploymentId).sort();
    expect(await liveIds()).toEqual(ids);
    expect((await observer.findFunction('shared')).map((d) => d.deploymentId).sort()).toEqual(ids);

    const victim = procs[1]!;
    victim.kill('SIGKILL');
    await once(victim, 'exit');
    const killedAt = await serverNow(redis.client);
    const last = (await observer.listLive()).find((d) => d.deploymentId === 'dep-b');
    // Its entry can only have been written before the kill, so it expires at most TTL after it.
    expect(last).toBeDefined();
    expect(last!.expiresAt).toBeLessThanOrEqual(killedAt + TTL);

    let samples = 0;
    while ((await serverNow(redis.client)) <= last!.expiresAt) {
      const live = await liveIds();
      expect(live).toContain('dep-a');
      expect(live).toContain('dep-c');
      samples++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(samples).toBeGreaterThan(0);
    expect(await liveIds()).toEqual(['dep-a', 'dep-c']);
    expect(await observer.findFunction('only-dep-b')).toEqual([]);
    expect((await observer.findFunction('shared')).map((d) => d.deploymentId).sort()).toEqual(['dep-a', 'dep-c']);

    // The survivors keep heartbeating well past another TTL.
    const until = (await serverNow(redis.client)) + TTL * 1.5;
    while ((await serverNow(redis.client)) < until) {
      expect(await liveIds()).toEqual(['dep-a', 'dep-c']);
      await new Promise((r) => setTimeout(r, 100));
    }

    // A graceful stop removes an instance at once.
    procs[0]!.kill('SIGTERM');
    await once(procs[0]!, 'exit');
    expect(await liveIds()).toEqual(['dep-c']);
  }, 30_000);
});
