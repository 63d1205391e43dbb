import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { Keyspace } from '@redstate/core';
import { deploymentKeys, RedisDeploymentService } from '../src/index.js';

describe('many connections racing', () => {
  const redis = useTestRedis('deployments-race');

  it('start/heartbeat/stop from many processes keep the indexes mirrored', async () => {
    const prefix = redis.newPrefix();
    const services = Array.from({ length: 12 }, () =>
      new RedisDeploymentService({ heartbeatInterval: 50, heartbeatTtl: 5_000 }, redis.connect(), { keyPrefix: prefix }),
    );
    await Promise.all(
      services.map(async (s, i) => {
        for (let round = 0; round < 5; round++) {
          await s.start({ deploymentId: `d${i % 6}`, endpoint: `http://d${i}-${round}`, functions: [`f${round % 3}`, 'common'] });
          await s.heartbeat();
          await s.stop();
        }
        if (i % 2 === 0) {
          await s.start({ deploymentId: `d${i % 6}`, endpoint: `http://d${i}`, functions: ['common'] });
          await s.heartbeat();
        }
      }),
    );
    const k = deploymentKeys(new Keyspace(prefix));
    const byFunction = await redis.client.zrange(k.byFunction, '0', '-1');
    const byId = new Set(await redis.client.zrange(k.byId, '0', '-1'));
    expect(byFunction.length).toBe(byId.size);
    for (const m of byFunction) {
      const [fn = '', id = ''] = m.split(':');
      expect(byId.has(`${id}:${fn}`)).toBe(true);
    }
    const live = await services[0]!.listLive();
    const endpoints = await redis.client.hkeys(k.endpoints);
    expect(live.map((d) => d.deploymentId).sort()).toEqual(endpoints.sort());
    for (const d of live) expect((await services[0]!.findFunction('common')).map((x) => x.deploymentId)).toContain(d.deploymentId);
    await Promise.all(services.map((s) => s.stop()));
  });
});
