import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, verifyScripts } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeExternalIds, encodeExternalIds } from '../src/ext-ids.js';
import { hitlScripts } from '../src/index.js';
import { newRecord, newState } from './helpers.js';

const includes = join(import.meta.dirname, '../src/lua/includes');
const include = (name: string) => readFileSync(join(includes, `${name}.lua`), 'utf8');

describe('hitl scripts', () => {
  const redis = useTestRedis('hitl-scripts');

  it('verifyScripts finds no stale hash', async () => {
    expect(hitlScripts.length).toBe(12);
    expect(await verifyScripts(redis.client, hitlScripts)).toEqual([]);
  });

  it('iso_utc formats like Date#toISOString', async () => {
    const lua = `${include('iso-time')}\nlocal out = {}\nfor i = 1, #ARGV do out[i] = iso_utc(tonumber(ARGV[i])) end\nreturn out`;
    const samples = [0, 1, 999, 951_782_400_000, 1_709_164_800_123, 4_102_444_799_999, 253_402_300_799_999, Date.now()];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 50 }), async (ms) => {
        const all = [...samples, ...ms];
        const out = (await redis.client.eval(lua, 0, ...all.map(String))) as string[];
        expect(out).toEqual(all.map((m) => new Date(m).toISOString()));
      }),
      { numRuns: 30 },
    );
  });

  it('ext-ids: Lua and TypeScript read and write the same encoding', async () => {
    const lua = `${include('ext-ids')}\nlocal list = ext_decode(ARGV[1])\nlist[#list + 1] = ARGV[2]\nlist[#list + 1] = ARGV[3]\nreturn ext_encode(list)`;
    const part = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(part, part, { maxKeys: 6 }), part, part, async (map, plugin, value) => {
        fc.pre(!Object.hasOwn(map, plugin));
        const out = (await redis.client.eval(lua, 0, encodeExternalIds(map), plugin, value)) as string;
        expect(decodeExternalIds(out, 'test')).toEqual({ ...map, [plugin]: value });
        expect(out).toBe(encodeExternalIds({ ...map, [plugin]: value }));
      }),
      { numRuns: 30 },
    );
    expect(() => decodeExternalIds('5:ab', 'x')).toThrow(CorruptDataError);
    expect(() => decodeExternalIds('1:a', 'x')).toThrow(CorruptDataError);
  });

  it('stores every request under the keys HitlKeys names, all in one hash tag', async () => {
    const state = newState(redis.client, 'keys');
    await state.create(newRecord('a:1', { namespace: 'team b', batchId: 'b{1}', batchIndex: 0 }));
    await state.resolve('a:1', { type: 'TIMED_OUT', id: 'a:1', externalRef: '' });
    await state.setExternalId('a:1', 'ext 1');
    const k = state.keys;
    const stored = (await keysMatching(redis.client, `${k.keyspace.prefix}:*`)).sort();
    expect(stored).toEqual(
      [
        ...k.requestReadKeys(),
        k.requestPosition(),
        k.requestChannel(),
        k.tokenIndex(),
        k.externalIndex(),
        k.all(),
        k.status('resolved'),
        k.namespaces(),
        k.namespacesStatus('resolved'),
        k.batchItems('b{1}'),
        `${k.keyspace.prefix}:{schema:hitl}:ledger`,
      ].sort(),
    );
    for (const key of stored) if (!key.includes('{schema:hitl}')) expect(key.startsWith(`${k.keyspace.prefix}:${k.tag}:`)).toBe(true);
  });
});
