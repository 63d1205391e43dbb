import { ValidationError } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { usageScripts } from '../src/index.js';

const [record, getEntries, , touch, , list] = usageScripts;

describe('scripts validate their own arguments and write nothing on failure', () => {
  const redis = useTestRedis('usage-lua');

  const outcome = async (keys: string[], args: string[]) => {
    const [only] = await record.run(redis.client, keys, args);
    if (!only) throw new Error('no outcome');
    return only.ok ? only.value : only.error;
  };

  it('record-entries refuses bad ARGV before any write', async () => {
    const p = redis.newPrefix();
    const keys = Array.from({ length: 8 }, (_, i) => `${p}:{s}:k${i}`);
    const good = ['id', '{}', 'tokens', '1', '1', '1', 'm', '1', '1', '0', '0', '2'];
    const pad = (a: string[]) => [...a, ...Array(12 - a.length).fill('')];
    const bad: string[][] = [
      ['', ...good.slice(1)],
      [...good.slice(0, 2), 'nope', ...good.slice(3)],
      [...good.slice(0, 3), '1.5', ...good.slice(4)],
      [...good.slice(0, 5), '2', ...good.slice(6)],
      [...good.slice(0, 7), 'x', ...good.slice(8)],
      [...good.slice(0, 6), '', ...good.slice(7)],
      pad(['id', '{}', 'tool', '1', '1', '1', 't', '2', '0']),
      pad(['id', '{}', 'custom', '1', '1', '1', 'c', 'nan']),
      pad(['id', '{}', 'custom', '1', '1', '1', 'c', 'inf']),
    ];
    for (const args of bad) {
      expect(await outcome(keys, ['60', ...args]), args.join(' ')).toBeInstanceOf(ValidationError);
    }
    await expect(record.run(redis.client, keys, ['-1', ...good])).rejects.toBeInstanceOf(ValidationError);
    await expect(record.run(redis.client, keys, ['60', ...good.slice(1)])).rejects.toBeInstanceOf(ValidationError);
    await expect(record.run(redis.client, keys.slice(1), ['60', ...good])).rejects.toBeInstanceOf(ValidationError);
    expect(await keysMatching(redis.client, `${p}:*`)).toEqual([]);
    expect(await outcome(keys, ['60', ...good])).toBe(true);
  });

  it('entries of one run are decided one by one: a bad or conflicting one writes nothing, the others are recorded', async () => {
    const p = redis.newPrefix();
    // Two key sets under one hash tag (the store batches per hash tag), so this runs on a cluster too.
    const keysOf = (s: string) => Array.from({ length: 8 }, (_, i) => `${p}:{run}:${s}-k${i}`);
    const entry = (id: string, body: string, tokens = '1') => [id, body, 'tokens', '1', '1', '1', 'm', tokens, '1', '0', '0', '2'];
    const out = await record.run(
      redis.client,
      [...keysOf('a'), ...keysOf('b'), ...keysOf('a'), ...keysOf('a')],
      ['60', ...entry('x', '{"x":1}'), ...entry('y', '{}', 'bad'), ...entry('x', '{"x":2}'), ...entry('x', '{"x":1}')],
    );
    expect(out.map((o) => (o.ok ? o.value : (o.error as { code?: string }).code))).toEqual([true, 'VALIDATION', 'CONFLICT', false]);
    expect(await keysMatching(redis.client, `${p}:{run}:b-*`)).toEqual([]);
    expect(await redis.client.hget(keysOf('a')[1]!, 'n')).toBe('1');
  });

  it('a custom sum that would overflow is refused without a partial write', async () => {
    const p = redis.newPrefix();
    const keys = Array.from({ length: 8 }, (_, i) => `${p}:{s}:k${i}`);
    const custom = (id: string, value: string) => ['0', id, `{"${id}":1}`, 'custom', '1', '1', '1', 'c', value, '', '', '', ''];
    expect(await outcome(keys, custom('a', '1e308'))).toBe(true);
    const before = await redis.client.hgetall(keys[1]!);
    expect(await outcome(keys, custom('b', '1e308'))).toBeInstanceOf(ValidationError);
    expect(await redis.client.hgetall(keys[1]!)).toEqual(before);
    expect(await redis.client.hkeys(keys[0]!)).toEqual(['a']);
  });

  it('get-entries, index-touch and index-list refuse bad arguments', async () => {
    const p = redis.newPrefix();
    await expect(getEntries.run(redis.client, [`${p}:{s}:e`, `${p}:{s}:z`], ['x', 1, '', 0, 1, 0, 1, 0, -1, '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(getEntries.run(redis.client, [`${p}:{s}:e`, `${p}:{s}:z`], [0, 1, '', 0, 1, 0, 1, -1, -1, '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(touch.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], [10, ''])).rejects.toBeInstanceOf(ValidationError);
    await expect(touch.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], [10])).rejects.toBeInstanceOf(ValidationError);
    await expect(touch.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], ['x', 's'])).rejects.toBeInstanceOf(ValidationError);
    await expect(list.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], ['', 0, 10])).rejects.toBeInstanceOf(ValidationError);
    expect(await keysMatching(redis.client, `${p}:*`)).toEqual([]);
  });
});
