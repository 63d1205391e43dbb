import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findNonJson } from '../src/json-value.js';
import { JsonValueSchema } from '../src/schemas.js';

class Point {
  x = 1;
}

describe('findNonJson', () => {
  it('accepts exactly what z.json() accepts (property based, JSON and non-JSON values)', () => {
    const zodJson = z.json();
    const odd = fc.constantFrom<unknown>(
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      1n,
      () => 1,
      Symbol('s'),
      new Date(0),
      new Map(),
      new Point(),
      new Uint8Array(2),
      Object.create(null),
      // biome-ignore lint/suspicious/noSparseArray: a hole is one of the non-JSON cases
      [1, , 3],
      { [Symbol('k')]: 1 },
      Object.defineProperty({}, 'hidden', { value: undefined, enumerable: false }),
      JSON.parse('{"__proto__": {"a": 1}}'),
    );
    const values = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
      fc.array(fc.oneof(fc.jsonValue(), odd)),
      fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), odd)),
      odd,
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(findNonJson(value) === null).toBe(zodJson.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the path and what is wrong', () => {
    expect(findNonJson({ a: [1, { b: Number.NaN }] })).toEqual({ path: ['a', 1, 'b'], message: 'NaN is not a JSON number' });
    expect(findNonJson({ when: new Date(0) })).toEqual({ path: ['when'], message: 'a Date instance is not a plain JSON object' });
    expect(findNonJson([undefined])).toEqual({ path: [0], message: 'undefined is not JSON' });
    expect(findNonJson({ [Symbol('k')]: 1 })).toEqual({ path: [], message: 'a symbol key is not JSON' });
  });

  it('reports a cycle instead of overflowing, and allows a shared (acyclic) object', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(findNonJson(cyclic)).toEqual({ path: ['self', 'back'], message: 'a cycle is not JSON' });
    const shared = { n: 1 };
    expect(findNonJson({ left: shared, right: [shared, shared] })).toBeNull();
  });

  it('as a schema: keeps the value as given and reports nesting too deep for the stack', () => {
    const value = JSON.parse('{"__proto__": 1}');
    expect(JsonValueSchema.parse(value)).toBe(value);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const result = JsonValueSchema.safeParse(deep);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('nested too deeply');
  });
});
