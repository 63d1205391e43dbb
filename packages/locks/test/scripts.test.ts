import { verifyScripts } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { lockScripts, PACKAGE_VERSION } from '../src/index.js';

describe('scripts', () => {
  const redis = useTestRedis('locks-scripts');

  it('every script hash matches what the server computes', async () => {
    expect(lockScripts.length).toBeGreaterThanOrEqual(10);
    expect(await verifyScripts(redis.client, lockScripts)).toEqual([]);
  });

  it('every script carries the package version and a KEYS/ARGV/Returns header', () => {
    for (const script of lockScripts) {
      expect(script.lua).toContain(`@redstate/locks@${PACKAGE_VERSION}`);
      expect(script.lua).toMatch(/KEYS/);
      expect(script.lua).toMatch(/Returns/);
    }
  });

  it('scripts validate their own arguments', async () => {
    const { acquireScript } = await import('../src/scripts.js');
    const prefix = redis.newPrefix();
    await expect(acquireScript.run(redis.client, [`${prefix}:{a}:lock`, `${prefix}:{a}:token`], ['v', 'o', '0'])).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await redis.client.exists(`${prefix}:{a}:token`)).toBe(0);
  });
});
