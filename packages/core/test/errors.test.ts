import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConflictError,
  CorruptDataError,
  LockLostError,
  mapRedisError,
  parseInput,
  parseStored,
  parseStoredJson,
  RedisUnavailableError,
  RedstateError,
  toJson,
  ValidationError,
} from '../src/index.js';

describe('errors', () => {
  it('carry a stable code, name and cause', () => {
    const cause = new Error('root');
    const e = new LockLostError('gone', { cause, details: { key: 'k' } });
    expect(e.code).toBe('LOCK_LOST');
    expect(e.name).toBe('LockLostError');
    expect(e.cause).toBe(cause);
    expect(e.details).toEqual({ key: 'k' });
    expect(e).toBeInstanceOf(RedstateError);
  });

  it('isInstance works across copies of the package (by marker and code)', () => {
    const foreign = Object.assign(new Error('x'), { code: 'CONFLICT', [Symbol.for('@redstate/error')]: true });
    expect(ConflictError.isInstance(foreign)).toBe(true);
    expect(RedstateError.isInstance(foreign)).toBe(true);
    expect(LockLostError.isInstance(foreign)).toBe(false);
    expect(ConflictError.isInstance(new Error('plain'))).toBe(false);
  });

  it('maps server refusals to RedisUnavailableError', () => {
    expect(mapRedisError(new Error("OOM command not allowed when used memory > 'maxmemory'."))).toBeInstanceOf(RedisUnavailableError);
    expect(mapRedisError(new Error('Connection is closed.'))).toBeInstanceOf(RedisUnavailableError);
    const other = new Error('ERR something else');
    expect(mapRedisError(other)).toBe(other);
  });
});

describe('validation helpers', () => {
  it('parseInput throws ValidationError naming every issue', () => {
    const schema = z.object({ id: z.string().min(1), n: z.number() });
    expect(() => parseInput(schema, { id: '', n: 'x' }, 'options')).toThrow(/invalid options: id: .*; n: /);
    expect(parseInput(schema, { id: 'a', n: 1 }, 'options')).toEqual({ id: 'a', n: 1 });
  });

  it('parseStored and parseStoredJson report corrupt data', () => {
    expect(() => parseStored(z.object({ a: z.number() }), { a: 'x' }, 'session s1')).toThrow(CorruptDataError);
    expect(() => parseStoredJson('{not json', 'session s1')).toThrow(/session s1/);
  });

  it('toJson rejects values JSON cannot carry', () => {
    expect(() => toJson(undefined, 'payload')).toThrow(ValidationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic, 'payload')).toThrow(ValidationError);
    expect(() => toJson({ big: 10n }, 'payload')).toThrow(ValidationError);
  });
});
