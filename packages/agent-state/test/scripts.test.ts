import { verifyScripts } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { agentStateScripts } from '../src/index.js';

describe('scripts', () => {
  const redis = useTestRedis('agent-scripts');

  it('every script hash matches what the server computes', async () => {
    expect(agentStateScripts.length).toBe(14);
    expect(await verifyScripts(redis.client, agentStateScripts)).toEqual([]);
  });

  it('scripts are named with the package version', () => {
    for (const script of agentStateScripts) expect(script.lua.startsWith(`-- @redstate/agent-state@`)).toBe(true);
  });
});
