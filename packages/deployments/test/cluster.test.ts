import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisDeploymentService } from '../src/index.js';

describe.runIf(hasTestCluster())('on a Redis Cluster', () => {
  const cluster = useTestCluster('deployments-cluster');

  it('runs every operation without CROSSSLOT', async () => {
    const prefix = cluster.newPrefix();
    const a = new RedisDeploymentService({ heartbeatInterval: 100, heartbeatTtl: 1000 }, cluster.client, { keyPrefix: prefix });
    const b = new RedisDeploymentService({ heartbeatInterval: 100, heartbeatTtl: 1000 }, cluster.client, { keyPrefix: prefix });
    expect((await a.ensureSchema()).applied).toEqual(['001-initial']);
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: ['f', 'g:{h}'] });
    await b.start({ deploymentId: 'b', endpoint: 'http://b', functions: ['f'] });
    await a.heartbeat();
    expect((await b.findFunction('f')).map((d) => d.deploymentId).sort()).toEqual(['a', 'b']);
    expect((await b.findFunction('g:{h}')).map((d) => d.deploymentId)).toEqual(['a']);
    expect((await b.listLive()).length).toBe(2);
    expect(await b.sweepExpired()).toBe(0);
    await a.stop();
    await b.stop();
    expect(await b.listLive()).toEqual([]);
  });
});
