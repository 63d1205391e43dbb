import { verifyScripts } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { lockScripts, PACKAGE_VERSION } from '../src/index.js';

describe('scripts', () => {
  const redis = useTestRedis('locks-scripts');

  it('every script hash matches what the server computes', async () => {
    expect(lockScripts.length).toBe(9);
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
    const { lockOpsScript } = await import('../src/scripts.js');
    const prefix = redis.newPrefix();
    const keys = [`${prefix}:{a}:lock`, `${prefix}:{a}:token`];
    const [outcome] = await lockOpsScript.run(redis.client, keys, ['a', 'v', 'o', '0']);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await expect(lockOpsScript.run(redis.client, keys, ['a', 'v', 'o'])).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(lockOpsScript.run(redis.client, [keys[0] as string], ['r', 'v', '', ''])).rejects.toMatchObject({ code: 'VALIDATION' });
    // The lease string ends the value at its first '|', so a value holding one is refused.
    const [withBar] = await lockOpsScript.run(redis.client, keys, ['a', 'v|1', 'o', '1000']);
    expect(withBar).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await redis.client.exists(`${prefix}:{a}:token`)).toBe(0);
  });

  it('a lock-ops batch applies its items in order, each as if alone', async () => {
    const { lockOpsScript, lockOpsArgs } = await import('../src/scripts.js');
    const prefix = redis.newPrefix();
    const k = { lock: `${prefix}:{k}:lock`, token: `${prefix}:{k}:token` };
    // Same hash tag as `k` (the manager batches per hash tag), so the batch also runs on a cluster.
    const other = { lock: `${prefix}:{k}:other-lock`, token: `${prefix}:{k}:other-token` };
    const { keys, args } = lockOpsArgs([
      { op: 'a', keys: k, value: 'v1', owner: 'one', ttlMs: 10_000 },
      { op: 'a', keys: k, value: 'v2', owner: 'two', ttlMs: 10_000 },
      { op: 'a', keys: other, value: 'v3', owner: 'three', ttlMs: 0 },
      { op: 'r', keys: k, value: 'v2' },
      { op: 'r', keys: k, value: 'v1' },
      { op: 'a', keys: k, value: 'v4', owner: 'four', ttlMs: 10_000 },
    ]);
    const out = await lockOpsScript.run(redis.client, keys, args);
    expect(out.map((o) => (o.ok ? o.value : 'error'))).toEqual([
      expect.objectContaining({ acquired: true, token: 1 }),
      expect.objectContaining({ acquired: false }),
      'error',
      false,
      true,
      expect.objectContaining({ acquired: true, token: 2 }),
    ]);
    expect(await redis.client.get(k.lock)).toMatch(/^v4\|2\|\d+\|four$/);
    expect(await redis.client.exists(other.lock, other.token)).toBe(0);
  });

  it('a key of another type at a lock is nobody\'s lease and does not fail the rest of the batch', async () => {
    const { lockOpsScript, lockOpsArgs, refreshScript } = await import('../src/scripts.js');
    const prefix = redis.newPrefix();
    const odd = { lock: `${prefix}:{k}:lock`, token: `${prefix}:{k}:token` };
    const fine = { lock: `${prefix}:{k}:other-lock`, token: `${prefix}:{k}:other-token` };
    await redis.client.hset(odd.lock, 'value', 'v1');
    const { keys, args } = lockOpsArgs([
      { op: 'r', keys: odd, value: 'v1' },
      { op: 'a', keys: odd, value: 'v2', owner: 'o', ttlMs: 10_000 },
      { op: 'a', keys: fine, value: 'v3', owner: 'o', ttlMs: 10_000 },
    ]);
    const out = await lockOpsScript.run(redis.client, keys, args);
    expect(out.map((o) => (o.ok ? o.value : 'error'))).toEqual([
      false,
      expect.objectContaining({ acquired: false }),
      expect.objectContaining({ acquired: true, token: 1 }),
    ]);
    await expect(refreshScript.run(redis.client, [odd.lock], ['v1', 1000])).rejects.toMatchObject({ code: 'LOCK_LOST' });
    expect(await redis.client.hget(odd.lock, 'value')).toBe('v1');
  });
});
