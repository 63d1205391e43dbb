import { ValidationError } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, type JsonPatchOperation } from '../src/index.js';

describe('applyJsonPatch (RFC 6902)', () => {
  it('applies add/remove/replace/move/copy/test', () => {
    const doc = { a: { b: [1, 2] }, c: 'x', 'k/~': 1 };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'remove', path: '/c' },
      { op: 'replace', path: '/k~1~0', value: 2 },
      { op: 'copy', from: '/a/b', path: '/d' },
      { op: 'move', from: '/a/b/0', path: '/first' },
      { op: 'test', path: '/d', value: [1, 9, 2, 3] },
    ]);
    expect(out).toEqual({ a: { b: [9, 2, 3] }, 'k/~': 2, d: [1, 9, 2, 3], first: 1 });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x', 'k/~': 1 });
  });

  it('replaces the root and keeps __proto__ as a plain key', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: [] } }])).toEqual({ b: [] });
    const out = applyJsonPatch({} as Record<string, unknown>, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('fails with ValidationError on missing paths, bad indexes and failed tests', () => {
    const bad: JsonPatchOperation[] = [
      { op: 'remove', path: '/missing' },
      { op: 'replace', path: '/missing', value: 1 },
      { op: 'add', path: '/a/b/5', value: 1 },
      { op: 'add', path: '/a/b/01', value: 1 },
      { op: 'add', path: '/x/y', value: 1 },
      { op: 'test', path: '/a/b', value: [2, 1] },
      { op: 'move', from: '/a', path: '/a/b/c' },
      { op: 'add', path: 'no-slash', value: 1 },
    ];
    for (const op of bad) expect(() => applyJsonPatch({ a: { b: [1, 2] } }, [op])).toThrow(ValidationError);
  });
});
