import { startRedis } from '@redstate/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisDeploymentService } from '../src/index.js';

describe('restart', () => {
  const started = startRedis({ useEnv: false, appendfsync: 'always' });
  afterAll(async () => (await started).stop());

  it('the registry survives a server restart and heartbeats resume', async () => {
    const server = await started;
    const client = server.connect();
    const service = new RedisDeploymentService({ heartbeatInterval: 100, heartbeatTtl: 60_000 }, client, {
      keyPrefix: 'restart',
      onHeartbeatError: () => {},
    });
    try {
      await service.start({ deploymentId: 'd', endpoint: 'http://d', functions: ['f'] });
      const before = await service.findFunction('f');
      await server.restart();
      await client.ping();
      expect((await service.findFunction('f')).map((x) => x.deploymentId)).toEqual(['d']);
      await service.heartbeat();
      const after = await service.findFunction('f');
      expect(after[0]!.expiresAt).toBeGreaterThanOrEqual(before[0]!.expiresAt);
      await service.stop();
      expect(await service.listLive()).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
