import { describe, expect, it } from 'vitest';
import { asFieldMap, setOwn } from '../src/index.js';

describe('setOwn', () => {
  it('keeps "__proto__" as a plain own key, never as the prototype', () => {
    const target: Record<string, unknown> = {};
    setOwn(target, '__proto__', { polluted: true });
    setOwn(target, 'a', 1);
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(target, '__proto__')?.value).toEqual({ polluted: true });
    expect((target as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(target))).toEqual(target);
  });

  it('asFieldMap keeps a "__proto__" field', () => {
    const map = asFieldMap(['__proto__', 'x', 'b', 'y']);
    expect(Object.keys(map)).toEqual(['__proto__', 'b']);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });
});
