import { CorruptDataError, setOwn } from '@redstate/core';

/**
 * A request's externalIds as one string: `<bytes>:<plugin><bytes>:<value>...` (lengths in
 * UTF-8 bytes), the format lua/includes/ext-ids.lua reads and writes without any JSON.
 */
export function encodeExternalIds(map: Readonly<Record<string, string>>): string {
  let out = '';
  for (const [plugin, value] of Object.entries(map)) {
    out += `${Buffer.byteLength(plugin, 'utf8')}:${plugin}${Buffer.byteLength(value, 'utf8')}:${value}`;
  }
  return out;
}

export function decodeExternalIds(raw: string, what: string): Record<string, string> {
  const bytes = Buffer.from(raw, 'utf8');
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const colon = bytes.indexOf(0x3a, i);
    const len = colon < 0 ? Number.NaN : Number(bytes.subarray(i, colon).toString('latin1'));
    if (!Number.isSafeInteger(len) || colon === i || colon + 1 + len > bytes.length) {
      throw new CorruptDataError(`${what} has unreadable external ids`);
    }
    parts.push(bytes.subarray(colon + 1, colon + 1 + len).toString('utf8'));
    i = colon + 1 + len;
  }
  if (parts.length % 2 !== 0) throw new CorruptDataError(`${what} has unreadable external ids`);
  const out: Record<string, string> = {};
  for (let j = 0; j < parts.length; j += 2) setOwn(out, parts[j] as string, parts[j + 1] as string);
  return out;
}
