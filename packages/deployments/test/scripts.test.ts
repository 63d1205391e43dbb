import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { verifyScripts } from '@redstate/core';
import { deploymentScripts } from '../src/index.js';

describe('scripts', () => {
  const redis = useTestRedis('deployments-scripts');

  it('every script hash matches the server', async () => {
    expect(deploymentScripts.length).toBe(5);
    expect(await verifyScripts(redis.client, deploymentScripts)).toEqual([]);
  });
});
