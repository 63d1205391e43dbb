import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { asInteger, defineScript, Keyspace } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  checkFenceKey,
  FenceGuard,
  fenceKeyOf,
  RedisLockManager,
  StaleFencingTokenError,
  ValidationError,
} from '../src/index.js';

// A write script as another package would write it: core's fence include plus its own write.
const coreDir = dirname(createRequire(import.meta.url).resolve('@redstate/core/package.json'));
const fenceInclude = readFileSync(join(coreDir, 'src/lua/includes/fence.lua'), 'utf8');
const guardedWrite = defineScript({
  name: 'test-guarded-write',
  keys: 2,
  lua: `${fenceInclude}
if not check_fence(KEYS[2], ARGV[2]) then
  return redis.error_reply('RSERR STALE_FENCING_TOKEN stale ' .. ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`,
  reply: asInteger,
});

describe('fencing', () => {
  const redis = useTestRedis('locks-fence');

  it('FenceGuard accepts newer and equal tokens and rejects older ones without writing', async () => {
    const guard = new FenceGuard(redis.client, { keyPrefix: redis.newPrefix() });
    expect(await guard.current('doc')).toBe(0);
    expect(await guard.check('doc', 3)).toBe(3);
    expect(await guard.check('doc', 3)).toBe(3);
    expect(await guard.check('doc', 5)).toBe(5);
    const error = await guard.check('doc', 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleFencingTokenError);
    expect(StaleFencingTokenError.isInstance(error)).toBe(true);
    expect(await guard.current('doc')).toBe(5);
    expect(await guard.current('other')).toBe(0);
  });

  it('documents its key layout', () => {
    const guard = new FenceGuard(redis.client, { keyPrefix: 'app:fence' });
    expect(guard.keyFor('doc:1')).toBe('app:fence:{doc%3A1}:fence');
    expect(fenceKeyOf(new Keyspace('app:sessions').unit('s-1'))).toBe('app:sessions:{s-1}:fence');
  });

  it('rejects a stale holder after a lock takeover', async () => {
    const prefix = redis.newPrefix();
    const m = new RedisLockManager(redis.client, { keyPrefix: prefix });
    const guard = new FenceGuard(redis.client, { keyPrefix: `${prefix}:fence` });
    const old = await m.acquire('res', { ttlMs: 30 });
    await expect.poll(() => m.isLocked('res'), { interval: 10, timeout: 5000 }).toBe(false);
    const next = await m.acquire('res', { ttlMs: 10_000 });
    await guard.check('res', next?.fencingToken ?? 0);
    await expect(guard.check('res', old?.fencingToken ?? 0)).rejects.toBeInstanceOf(StaleFencingTokenError);
  });

  it('is atomic under concurrent writers: the final token is the maximum offered', async () => {
    const prefix = redis.newPrefix();
    const guards = Array.from({ length: 8 }, () => new FenceGuard(redis.connect(), { keyPrefix: prefix }));
    const tokens = Array.from({ length: 200 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    let accepted = 0;
    let stale = 0;
    await Promise.all(
      tokens.map(async (t, i) => {
        try {
          await (guards[i % 8] as FenceGuard).check('doc', t);
          accepted++;
        } catch (error) {
          if (!(error instanceof StaleFencingTokenError)) throw error;
          stale++;
        }
      }),
    );
    expect(accepted + stale).toBe(200);
    expect(await guards[0]?.current('doc')).toBe(200);
  });

  it('works inside another package script through core\'s fence include', async () => {
    const unit = new Keyspace(redis.newPrefix()).unit('session-1');
    const dataKey = unit.key('state');
    const fence = fenceKeyOf(unit);
    expect(await guardedWrite.run(redis.client, [dataKey, fence], ['v2', 2])).toBe(1);
    await expect(guardedWrite.run(redis.client, [dataKey, fence], ['v1', 1])).rejects.toBeInstanceOf(StaleFencingTokenError);
    expect(await redis.client.get(dataKey)).toBe('v2');
    // The same fence key is readable and checkable from TypeScript.
    expect(await checkFenceKey(redis.client, fence, 2)).toBe(2);
    await expect(checkFenceKey(redis.client, fence, 1)).rejects.toBeInstanceOf(StaleFencingTokenError);
  });

  it('rejects bad tokens and resources with ValidationError, writing nothing', async () => {
    const guard = new FenceGuard(redis.client, { keyPrefix: redis.newPrefix() });
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, '3' as unknown as number]) {
      await expect(guard.check('doc', bad)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(guard.check('', 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.exists(guard.keyFor('doc'))).toBe(0);
    expect(() => new FenceGuard({} as never)).toThrow(ValidationError);
  });
});
