import { useTestCluster, useTestRedis, hasTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  asInteger,
  asString,
  Batch,
  ConflictError,
  coreScripts,
  defineScript,
  Keyspace,
  RedstateError,
  verifyScripts,
} from '../src/index.js';

const incrBy = defineScript({
  name: 'test-incr-by',
  keys: 1,
  lua: "-- test\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])",
  reply: asInteger,
});

const failing = defineScript({
  name: 'test-fail',
  keys: 1,
  lua: "return redis.error_reply('RSERR CONFLICT already there: ' .. KEYS[1])",
  reply: asString,
});

const sumAll = defineScript({
  name: 'test-sum-all',
  keys: 'variadic',
  lua: "-- test\nlocal out = {}\nfor i = 1, #KEYS do out[i] = redis.call('INCRBY', KEYS[i], ARGV[i]) end\nreturn out",
  reply: (raw) => (raw as unknown[]).map(asInteger),
});

const custom = defineScript({
  name: 'test-custom',
  keys: 0,
  lua: "return redis.error_reply('RSERR SEQUENCE_CONFLICT expected 3')",
  reply: asString,
  errors: { SEQUENCE_CONFLICT: (m) => new ConflictError(`custom: ${m}`) },
});

describe('Script on a standalone server', () => {
  const redis = useTestRedis('script');

  it('runs with EVALSHA and survives SCRIPT FLUSH mid-run', async () => {
    const key = new Keyspace(redis.prefix).key('counter');
    expect(await incrBy.run(redis.client, [key], [2])).toBe(2);
    await redis.client.script('FLUSH');
    expect(await incrBy.run(redis.client, [key], [3])).toBe(5);
    await redis.client.script('FLUSH');
    await redis.client.set(`${key}:plain`, 'p');
    const batch = new Batch(redis.client);
    const a = batch.script(incrBy, [key], [1]);
    const b = batch.command('GET', [`${key}:plain`], asString);
    const c = batch.script(incrBy, [key], [10]);
    const results = await batch.exec();
    expect(results.get(a)).toBe(6);
    expect(results.get(b)).toBe('p');
    expect(results.get(c)).toBe(16);
    expect(await redis.client.get(key)).toBe('16');
  });

  it('does not add commands or listeners to the user client', async () => {
    const before = Object.keys(redis.client).sort();
    await incrBy.run(redis.client, [new Keyspace(redis.prefix).key('x')], [1]);
    expect(Object.keys(redis.client).sort()).toEqual(before);
    expect('test-incr-by' in redis.client).toBe(false);
  });

  it('maps RSERR replies to typed errors, also inside a batch', async () => {
    const key = new Keyspace(redis.prefix).key('f');
    await expect(failing.run(redis.client, [key])).rejects.toSatisfy(
      (e) => ConflictError.isInstance(e) && (e as Error).message.includes('already there'),
    );
    await expect(custom.run(redis.client, [])).rejects.toThrow('custom: expected 3');
    const batch = new Batch(redis.client);
    batch.script(incrBy, [`${key}n`], [1]);
    batch.script(failing, [key]);
    await expect(batch.exec()).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejects the wrong number of keys before sending', async () => {
    await expect(incrBy.run(redis.client, [], [1])).rejects.toSatisfy((e) => RedstateError.isInstance(e));
  });

  it('a variadic script takes any number of keys, but at least one', async () => {
    const ks = new Keyspace(redis.prefix);
    const keys = ['v1', 'v2', 'v3'].map((k) => ks.unit('sum').key(k)); // one hash tag: runs on a cluster too
    expect(await sumAll.run(redis.client, keys, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(await sumAll.run(redis.client, keys.slice(0, 1), [5])).toEqual([6]);
    await expect(sumAll.run(redis.client, [], [])).rejects.toThrow('takes at least one key');
  });

  it('every core script hash matches the one the server computes', async () => {
    expect(await verifyScripts(redis.client, [...coreScripts, incrBy, sumAll])).toEqual([]);
  });
});

describe.runIf(hasTestCluster())('Script on a cluster', () => {
  const cluster = useTestCluster('script');

  it('runs on the right node and recovers from SCRIPT FLUSH on every node', async () => {
    const ks = new Keyspace(cluster.prefix);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ks.unit(id).key('n'));
    for (const key of keys) expect(await incrBy.run(cluster.client, [key], [1])).toBe(1);
    await Promise.all(cluster.client.nodes('master').map((n) => n.script('FLUSH')));
    for (const key of keys) expect(await incrBy.run(cluster.client, [key], [1])).toBe(2);
    const batch = new Batch(cluster.client);
    const refs = keys.map((key) => batch.script(incrBy, [key], [1]));
    const results = await batch.exec();
    expect(refs.map((r) => results.get(r))).toEqual(keys.map(() => 3));
  });
});
