import { ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { usageScripts } from '../src/index.js';

const [record, getEntries, , touch, , list] = usageScripts;

describe('scripts validate their own arguments and write nothing on failure', () => {
  const redis = useTestRedis('usage-lua');

  it('record-entry refuses bad ARGV before any write', async () => {
    const p = redis.newPrefix();
    const keys = Array.from({ length: 8 }, (_, i) => `${p}:{s}:k${i}`);
    const good = ['60', 'id', '{}', 'tokens', '1', '1', '1', 'm', '1', '1', '0', '0', '2'];
    const bad: string[][] = [
      ['-1', ...good.slice(1)],
      [good[0]!, '', ...good.slice(2)],
      [...good.slice(0, 3), 'nope', ...good.slice(4)],
      [...good.slice(0, 4), '1.5', ...good.slice(5)],
      [...good.slice(0, 6), '2', ...good.slice(7)],
      [...good.slice(0, 8), 'x', ...good.slice(9)],
      [...good.slice(0, 7), ''],
      ['60', 'id', '{}', 'tool', '1', '1', '1', 't', '2', '0'],
      ['60', 'id', '{}', 'custom', '1', '1', '1', 'c', 'nan'],
      ['60', 'id', '{}', 'custom', '1', '1', '1', 'c', 'inf'],
    ];
    for (const args of bad) {
      await expect(record.run(redis.client, keys, args), args.join(' ')).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await redis.client.keys(`${p}:*`)).toEqual([]);
    expect(await record.run(redis.client, keys, good)).toBe(1);
  });

  it('a custom sum that would overflow is refused without a partial write', async () => {
    const p = redis.newPrefix();
    const keys = Array.from({ length: 8 }, (_, i) => `${p}:{s}:k${i}`);
    expect(await record.run(redis.client, keys, ['0', 'a', '{"a":1}', 'custom', '1', '1', '1', 'c', '1e308'])).toBe(1);
    const before = await redis.client.hgetall(keys[1]!);
    await expect(record.run(redis.client, keys, ['0', 'b', '{"b":1}', 'custom', '1', '1', '1', 'c', '1e308'])).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.hgetall(keys[1]!)).toEqual(before);
    expect(await redis.client.hkeys(keys[0]!)).toEqual(['a']);
  });

  it('get-entries, index-touch and index-list refuse bad arguments', async () => {
    const p = redis.newPrefix();
    await expect(getEntries.run(redis.client, [`${p}:{s}:e`, `${p}:{s}:z`], ['x', 1, '', 0, 1, 0, 1, 0, -1, '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(getEntries.run(redis.client, [`${p}:{s}:e`, `${p}:{s}:z`], [0, 1, '', 0, 1, 0, 1, -1, -1, '0'])).rejects.toBeInstanceOf(ValidationError);
    await expect(touch.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], ['', 10])).rejects.toBeInstanceOf(ValidationError);
    await expect(touch.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], ['s', 'x'])).rejects.toBeInstanceOf(ValidationError);
    await expect(list.run(redis.client, [`${p}:{i}:a`, `${p}:{i}:b`], ['', 0, 10])).rejects.toBeInstanceOf(ValidationError);
    expect(await redis.client.keys(`${p}:*`)).toEqual([]);
  });
});
