import { hasTestCluster, useTestCluster, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { escapeKeyPart, hashTagOf, Keyspace, unescapeKeyPart, ValidationError } from '../src/index.js';

const tricky = ['', 'a', 'a:b', 'a%3Ab', '{x}', '}{', 'x*', '?', '[a-z]', 'back\\slash', 'sp ace', 'ünï', '日本', '🙂', '%', '%%', ':', '::'];

describe('escapeKeyPart', () => {
  it('is injective and reversible over tricky ids', () => {
    const seen = new Map<string, string>();
    for (const id of tricky) {
      const escaped = escapeKeyPart(id);
      expect(seen.has(escaped), `${id} collides with ${seen.get(escaped)}`).toBe(false);
      seen.set(escaped, id);
      expect(unescapeKeyPart(escaped)).toBe(id);
      expect(escaped).toMatch(/^[A-Za-z0-9._~%-]*$/);
    }
  });

  it('rejects lone surrogates with a ValidationError', () => {
    expect(() => escapeKeyPart('\uD800')).toThrow(ValidationError);
  });
});

describe('Keyspace', () => {
  it('gives distinct keys for distinct id tuples', () => {
    const ks = new Keyspace('app');
    const keys = new Set<string>();
    let count = 0;
    for (const a of tricky) {
      for (const b of tricky) {
        keys.add(ks.key(a, b));
        keys.add(ks.unit(a).key(b));
        keys.add(ks.unit(a, b).key('x'));
        count += 3;
      }
    }
    expect(keys.size).toBe(count);
  });

  it('keeps one hash tag per unit whatever the ids contain', () => {
    const ks = new Keyspace('app:agents:');
    expect(ks.prefix).toBe('app:agents');
    const unit = ks.unit('se{ss}ion:1');
    expect(unit.key('state')).toBe('app:agents:{se%7Bss%7Dion%3A1}:state');
    expect(unit.key('msgs', '{evil}')).toBe('app:agents:{se%7Bss%7Dion%3A1}:msgs:%7Bevil%7D');
  });

  it('hashTagOf reads the tag Redis Cluster hashes', () => {
    const ks = new Keyspace('app');
    expect(hashTagOf(ks.unit('se{ss}ion:1').key('state'))).toBe('se%7Bss%7Dion%3A1');
    expect(hashTagOf('plain:key')).toBe('plain:key');
    expect(hashTagOf('a{}b{c}')).toBe('a{}b{c}');
    expect(hashTagOf('a{b')).toBe('a{b');
    expect(hashTagOf('x{y}z{w}')).toBe('y');
  });

  it('rejects prefixes that would break the layout', () => {
    for (const bad of ['', ':', 'a{b', 'a}b', 'a b', 'a*', 'ü']) {
      expect(() => new Keyspace(bad), bad).toThrow(ValidationError);
    }
  });
});

describe('keys on a real server', () => {
  const redis = useTestRedis('keyspace');

  it('stores exactly the key name Keyspace builds', async () => {
    const ks = new Keyspace(redis.prefix);
    const key = ks.unit('ü:{1}').key('state');
    await redis.client.set(key, 'v');
    expect(await redis.client.exists(`${redis.prefix}:{%C3%BC%3A%7B1%7D}:state`)).toBe(1);
  });
});

describe.runIf(hasTestCluster())('hash slots on a real cluster', () => {
  const cluster = useTestCluster('slots');

  it('user ids cannot move a key out of its unit slot', async () => {
    const ks = new Keyspace(cluster.prefix);
    const node = cluster.client.nodes('master')[0]!;
    for (const id of tricky.filter((t) => t !== '')) {
      const unit = ks.unit(id);
      const slots = new Set<number>();
      for (const part of tricky) {
        slots.add(Number(await node.call('CLUSTER', 'KEYSLOT', unit.key('k', part))));
      }
      const tagSlot = Number(await node.call('CLUSTER', 'KEYSLOT', unit.tag.slice(1, -1)));
      expect([...slots]).toEqual([tagSlot]);
    }
  });
});
