import { asFieldMap, asString, CorruptDataError, setOwn } from '@redstate/core';

/** HGETALL through a pipeline: a flat field list (or an object, depending on the client). */
export function asHash(raw: unknown): Record<string, string> {
  if (Array.isArray(raw)) return asFieldMap(raw);
  if (typeof raw === 'object' && raw !== null && !Buffer.isBuffer(raw)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) setOwn(out, k, asString(v));
    return out;
  }
  throw new CorruptDataError(`unexpected reply: expected a hash, got ${JSON.stringify(raw)}`);
}

export function asMembers(raw: unknown): string[] {
  if (!Array.isArray(raw)) throw new CorruptDataError(`unexpected reply: expected members, got ${JSON.stringify(raw)}`);
  return raw.map(asString);
}
