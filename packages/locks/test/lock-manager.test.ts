import { inspect } from 'node:util';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { LockLostError, RedisLockManager } from '../src/index.js';

describe('RedisLockManager contract', () => {
  const redis = useTestRedis('locks');
  const manager = () => new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix() });

  it('acquires, reports and releases a lock', async () => {
    const m = manager();
    const lock = await m.acquire('session-123', { ttlMs: 10_000, owner: 'executor-1' });
    expect(lock).not.toBeNull();
    if (!lock) return;
    expect(lock.key).toBe('session-123');
    expect(lock.owner).toBe('executor-1');
    expect(lock.fencingToken).toBe(1);
    expect(lock.ttlMs).toBe(10_000);
    expect(lock.expiresAt.getTime() - lock.acquiredAt.getTime()).toBe(10_000);
    expect(await m.isLocked('session-123')).toBe(true);
    const info = await m.getLock('session-123');
    expect(info).toMatchObject({ key: 'session-123', owner: 'executor-1', fencingToken: 1 });
    expect(info?.acquiredAt.getTime()).toBe(lock.acquiredAt.getTime());

    expect(await m.acquire('session-123', { owner: 'executor-2' })).toBeNull();
    expect(await lock.release()).toBe(true);
    expect(await m.isLocked('session-123')).toBe(false);
    expect(await m.getLock('session-123')).toBeNull();
    expect(await lock.release()).toBe(false);
  });

  it('uses the default TTL and a default owner', async () => {
    const m = new RedisLockManager(redis.client, { keyPrefix: redis.newPrefix(), defaultTTLMs: 4321 });
    const lock = await m.acquire('k');
    expect(lock?.ttlMs).toBe(4321);
    expect(lock?.owner).toMatch(/:\d+:[0-9a-f]{6}$/);
    const pttl = await redis.client.pttl(m.lockKeys('k').lock);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(4321);
  });

  it('hands out strictly increasing fencing tokens across release and expiry', async () => {
    const m = manager();
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await m.acquire('k', { ttlMs: 10_000 });
      tokens.push(lock?.fencingToken ?? -1);
      await lock?.release();
    }
    const short = await m.acquire('k', { ttlMs: 30 });
    tokens.push(short?.fencingToken ?? -1);
    await expect.poll(() => m.isLocked('k'), { interval: 10, timeout: 5000 }).toBe(false);
    const after = await m.acquire('k', { ttlMs: 10_000 });
    tokens.push(after?.fencingToken ?? -1);
    expect(tokens).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The counter has no TTL, so it outlives every lease.
    expect(await redis.client.pttl(m.lockKeys('k').token)).toBe(-1);
    expect(await redis.client.get(m.lockKeys('k').token)).toBe('7');
  });

  it('keeps tokens independent per key', async () => {
    const m = manager();
    expect((await m.acquire('a'))?.fencingToken).toBe(1);
    expect((await m.acquire('b'))?.fencingToken).toBe(1);
  });

  it('lets another owner take over after expiry; the old holder cannot refresh or release', async () => {
    const m = manager();
    const old = await m.acquire('k', { ttlMs: 30, owner: 'old' });
    expect(old).not.toBeNull();
    await expect.poll(() => m.isLocked('k'), { interval: 10, timeout: 5000 }).toBe(false);
    const next = await m.acquire('k', { ttlMs: 10_000, owner: 'new' });
    expect(next?.fencingToken).toBeGreaterThan(old?.fencingToken ?? Infinity);

    const refreshError = await old?.refresh().catch((e: unknown) => e);
    expect(LockLostError.isInstance(refreshError)).toBe(true);
    expect(refreshError).toBeInstanceOf(LockLostError);
    expect(await old?.release()).toBe(false);
    // The new holder is untouched.
    expect((await m.getLock('k'))?.owner).toBe('new');
    expect(await next?.release()).toBe(true);
  });

  it('compares the random lock value, not the owner name', async () => {
    const m = manager();
    const first = await m.acquire('k', { ttlMs: 30, owner: 'same' });
    await expect.poll(() => m.isLocked('k'), { interval: 10, timeout: 5000 }).toBe(false);
    const second = await m.acquire('k', { ttlMs: 10_000, owner: 'same' });
    expect(second).not.toBeNull();
    await expect(first?.refresh()).rejects.toBeInstanceOf(LockLostError);
    expect(await first?.release()).toBe(false);
    expect(await m.isLocked('k')).toBe(true);
    expect(await second?.release()).toBe(true);
  });

  it('refresh extends the lease and moves expiresAt', async () => {
    const m = manager();
    const lock = await m.acquire('k', { ttlMs: 1000 });
    if (!lock) throw new Error('expected lock');
    const before = lock.expiresAt.getTime();
    await lock.refresh(60_000);
    expect(lock.expiresAt.getTime()).toBeGreaterThan(before);
    expect(await redis.client.pttl(m.lockKeys('k').lock)).toBeGreaterThan(1000);
    await lock.refresh();
    expect(await redis.client.pttl(m.lockKeys('k').lock)).toBeLessThanOrEqual(1000);
  });

  it('refresh after release throws LockLostError and does not recreate the lock', async () => {
    const m = manager();
    const lock = await m.acquire('k');
    await lock?.release();
    await expect(lock?.refresh()).rejects.toBeInstanceOf(LockLostError);
    expect(await m.isLocked('k')).toBe(false);
  });

  it('stores exactly the documented keys, escaping user ids', async () => {
    const prefix = redis.newPrefix();
    const m = new RedisLockManager(redis.client, { keyPrefix: `${prefix}:` });
    const id = 'tenant:{a}* b/ü';
    const lock = await m.acquire(id, { owner: 'o' });
    expect(lock?.key).toBe(id);
    const keys = m.lockKeys(id);
    expect(keys.lock).toBe(`${prefix}:{tenant%3A%7Ba%7D%2A%20b%2F%C3%BC}:lock`);
    expect(keys.token).toBe(`${prefix}:{tenant%3A%7Ba%7D%2A%20b%2F%C3%BC}:token`);
    expect(await redis.client.get(keys.lock)).toMatch(/^[0-9a-f-]{36}\|1\|\d{13}\|o$/);
    const found = await keysMatching(redis.client, `${prefix}:*`);
    expect(found.filter((k) => !k.includes('{schema:locks}')).sort()).toEqual([keys.lock, keys.token].sort());
    // Ids that differ only by characters Keyspace escapes never share keys.
    expect(m.lockKeys('a:b').lock).not.toBe(m.lockKeys('a%3Ab').lock);
  });

  it('keeps any owner exactly, separators and line breaks included', async () => {
    const m = manager();
    for (const [i, owner] of ['a|b|c', '|', 'x|1|2|y', 'line\nbreak', 'ü 🎉 {tag}:*'].entries()) {
      const lock = await m.acquire(`k${i}`, { owner });
      expect(lock?.owner).toBe(owner);
      expect(await m.getLock(`k${i}`)).toMatchObject({ owner, fencingToken: 1 });
      expect(await lock?.release()).toBe(true);
    }
  });

  it('never exposes the random ownership value when a lock is logged', async () => {
    const m = manager();
    const lock = await m.acquire('k', { owner: 'o' });
    const value = (await redis.client.get(m.lockKeys('k').lock))?.split('|')[0] ?? '';
    expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(lock)).not.toContain(value);
    expect(inspect(lock, { showHidden: true, depth: 5 })).not.toContain(value);
    expect(JSON.parse(JSON.stringify(lock))).toMatchObject({ key: 'k', owner: 'o', fencingToken: 1 });
  });

  it('leaves the user client as it was: no commands, listeners or options added', async () => {
    const client = redis.connect();
    await client.ping();
    const props = Object.keys(client).sort();
    const listeners = client.eventNames().map((e) => [e, client.listenerCount(e)]);
    const options = JSON.stringify(client.options);
    const m = new RedisLockManager(client, { keyPrefix: redis.newPrefix() });
    await m.withLock('k', async () => m.isLocked('k'), { ttlMs: 1000 });
    await (await m.acquireSemaphore('s', 1))?.release();
    expect(Object.keys(client).sort()).toEqual(props);
    expect(client.eventNames().map((e) => [e, client.listenerCount(e)])).toEqual(listeners);
    expect(JSON.stringify(client.options)).toBe(options);
    expect(client.status).toBe('ready');
  });

  it('ensureSchema records 001-initial once and operations run it lazily', async () => {
    const m = manager();
    await m.acquire('k');
    const again = await m.ensureSchema();
    expect(again).toEqual({ applied: [], current: ['001-initial'] });
    const fresh = manager();
    expect(await fresh.ensureSchema()).toEqual({ applied: ['001-initial'], current: ['001-initial'] });
  });
});
