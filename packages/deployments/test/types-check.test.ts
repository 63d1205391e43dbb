import type { CoreSingletonServices } from '@pikku/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisDeploymentService } from '../src/index.js';

describe('types', () => {
  const redis = useTestRedis('deployments-types');

  it('fits the deploymentService slot of Pikku singleton services', () => {
    const service = new RedisDeploymentService({}, redis.client);
    const slot: CoreSingletonServices['deploymentService'] = service;
    expect(slot).toBe(service);
    expect(service.heartbeatInterval).toBe(10_000);
    expect(service.heartbeatTtl).toBe(30_000);
  });
});
