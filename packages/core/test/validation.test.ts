import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CorruptDataError, ValidationError } from '../src/errors.js';
import { keepAsGiven, parseInput, parseStored, toJson } from '../src/validation.js';

describe('toJson', () => {
  it('keeps JSON values exactly, including empty arrays, big safe integers and unicode', () => {
    const value = { a: [], b: {}, n: 2 ** 53 - 1, s: '漢字 🔥', nested: [[{ x: null }]], opt: undefined };
    expect(JSON.parse(toJson(value, 'payload'))).toEqual({ a: [], b: {}, n: 2 ** 53 - 1, s: '漢字 🔥', nested: [[{ x: null }]] });
  });

  it.each([
    ['NaN', { n: Number.NaN }, 'payload.n'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], 'payload[1]'],
    ['BigInt', { big: 1n }, 'payload.big'],
    ['function', { f: () => 1 }, 'payload.f'],
    ['symbol', { s: Symbol('x') }, 'payload.s'],
    ['undefined in an array', [1, undefined], 'payload[1]'],
    ['Map', { m: new Map([[1, 2]]) }, 'payload.m'],
    ['Set', { s: new Set([1]) }, 'payload.s'],
    ['top-level undefined', undefined, 'payload'],
  ])('refuses %s with the path, instead of changing it', (_name, value, path) => {
    expect(() => toJson(value, 'payload')).toThrow(ValidationError);
    expect(() => toJson(value, 'payload')).toThrow(path);
  });

  it('refuses cycles with a ValidationError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic, 'payload')).toThrow(ValidationError);
  });

  it('serialises Dates by their toJSON rule', () => {
    expect(toJson({ at: new Date(0) }, 'payload')).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('keepAsGiven', () => {
  it('answers the value itself, own "__proto__" keys included, where zod answers a copy without them', () => {
    const schema = z.record(z.string(), z.looseObject({ n: z.number() }));
    const value = JSON.parse('{"__proto__": {"n": 1}, "b": {"n": 2, "__proto__": "x"}}');
    expect(Object.hasOwn(schema.parse(value), '__proto__')).toBe(false);
    const kept = parseInput(keepAsGiven(schema), value, 'map');
    expect(kept).toBe(value);
    expect(JSON.stringify(kept)).toBe('{"__proto__":{"n":1},"b":{"n":2,"__proto__":"x"}}');
  });

  it('reports the inner schema\'s issues with their paths', () => {
    const schema = keepAsGiven(z.object({ a: z.object({ n: z.number() }) }));
    expect(() => parseInput(schema, { a: { n: 'x' } }, 'thing')).toThrow(/invalid thing: a\.n: /);
    expect(() => parseStored(schema, null, 'thing')).toThrow(CorruptDataError);
  });
});
