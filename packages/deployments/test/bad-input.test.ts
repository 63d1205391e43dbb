import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { Keyspace, ValidationError } from '@redstate/core';
import { deploymentKeys, RedisDeploymentService } from '../src/index.js';
import { heartbeatScript } from '../src/scripts.js';
import { keysUnder } from './helpers.js';

describe('bad input', () => {
  const redis = useTestRedis('deployments-bad');

  it('rejects bad config and options', () => {
    expect(() => new RedisDeploymentService({ heartbeatInterval: 1000, heartbeatTtl: 1000 }, redis.client)).toThrow(ValidationError);
    expect(() => new RedisDeploymentService({ heartbeatInterval: -1 }, redis.client)).toThrow(ValidationError);
    expect(() => new RedisDeploymentService({ heartbeatTtl: 1.5 }, redis.client)).toThrow(ValidationError);
    expect(() => new RedisDeploymentService({}, redis.client, { keyPrefix: '{x}' })).toThrow(ValidationError);
    expect(() => new RedisDeploymentService({}, redis.client, { fetch: 'no' as never })).toThrow(ValidationError);
  });

  it('rejects bad input with ValidationError and writes nothing', async () => {
    const prefix = redis.newPrefix();
    const s = new RedisDeploymentService({}, redis.client, { keyPrefix: prefix });
    await s.ensureSchema();
    const before = await keysUnder(redis.client, prefix);
    const bad: Promise<unknown>[] = [
      s.start({ deploymentId: '', endpoint: 'http://x', functions: [] }),
      s.start({ deploymentId: 'd', endpoint: '', functions: [] }),
      s.start({ deploymentId: 'd', endpoint: 'http://x', functions: [''] }),
      s.start({ deploymentId: 'd', endpoint: 'http://x', functions: 'f' as never }),
      s.findFunction(''),
      s.listLive({ limit: 0 }),
      s.listLive({ offset: -1 }),
      s.sweepExpired(0),
      s.invoke('', {}),
      s.invoke('f', { big: 1n }),
    ];
    for (const p of bad) await expect(p).rejects.toBeInstanceOf(ValidationError);
    expect(await keysUnder(redis.client, prefix)).toEqual(before);
  });

  it('the heartbeat script validates its own ARGV', async () => {
    const k = deploymentKeys(new Keyspace(redis.newPrefix()));
    await expect(heartbeatScript.run(redis.client, k.all, [0, 1, 'start', 'd', 'http://x'])).rejects.toBeInstanceOf(ValidationError);
    await expect(heartbeatScript.run(redis.client, k.all, [100, 1, 'other', 'd', 'http://x'])).rejects.toBeInstanceOf(ValidationError);
    await expect(heartbeatScript.run(redis.client, k.all, [100, 1, 'start', '', 'http://x'])).rejects.toBeInstanceOf(ValidationError);
    await expect(heartbeatScript.run(redis.client, k.all, [100, 1, 'start', 'd', 'http://x', ''])).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.exists(...k.all)).toBe(0);
  });
});
