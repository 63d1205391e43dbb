import { CorruptDataError } from './errors.js';
import { setOwn } from './own-property.js';

/** Reply parsers for {@link defineScript}: they check the shape instead of casting it. */

function bad(expected: string, raw: unknown): never {
  throw new CorruptDataError(`unexpected script reply: expected ${expected}, got ${JSON.stringify(raw)}`);
}

export function asInteger(raw: unknown): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return Number(raw);
  return bad('an integer', raw);
}

export function asString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return bad('a string', raw);
}

export function asNullableString(raw: unknown): string | null {
  return raw === null || raw === undefined ? null : asString(raw);
}

export function asBoolean(raw: unknown): boolean {
  const n = asInteger(raw);
  if (n === 0 || n === 1) return n === 1;
  return bad('0 or 1', raw);
}

export function asArray(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  return bad('an array', raw);
}

export function asStringArray(raw: unknown): string[] {
  return asArray(raw).map(asString);
}

export function asOk(raw: unknown): void {
  if (raw === 'OK' || raw === 1) return;
  bad('OK', raw);
}

/** A flat `[field, value, field, value]` array (HGETALL-style) as an object. */
export function asFieldMap(raw: unknown): Record<string, string> {
  const list = asArray(raw);
  if (list.length % 2 !== 0) bad('an even-length field list', raw);
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) setOwn(out, asString(list[i]), asString(list[i + 1]));
  return out;
}
