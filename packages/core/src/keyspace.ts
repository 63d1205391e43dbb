import { ValidationError } from './errors.js';

const SAFE = /^[A-Za-z0-9._~-]$/;
const ALL_SAFE = /^[A-Za-z0-9._~-]*$/;
const PREFIX_FORBIDDEN = /[{}\s*?[\]\\]/;

/**
 * Encodes one user-supplied key part. The result is ASCII, contains no `:` `{` `}`
 * or glob characters, and the mapping is injective (`%` itself is encoded), so
 * distinct id tuples always give distinct keys and an id can never open a hash tag.
 */
export function escapeKeyPart(part: string): string {
  if (typeof part !== 'string') {
    throw new ValidationError(`key part must be a string, got ${typeof part}`);
  }
  if (!part.isWellFormed()) {
    throw new ValidationError('key part contains a lone UTF-16 surrogate', { details: { part } });
  }
  if (ALL_SAFE.test(part)) return part; // the common case: nothing to encode
  let out = '';
  for (const ch of part) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Reverses {@link escapeKeyPart}; used by listings that read ids back out of index members. */
export function unescapeKeyPart(escaped: string): string {
  return decodeURIComponent(escaped);
}

export function normalizePrefix(prefix: string): string {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new ValidationError('keyPrefix must be a non-empty string');
  }
  const trimmed = prefix.endsWith(':') ? prefix.slice(0, -1) : prefix;
  if (trimmed.length === 0 || PREFIX_FORBIDDEN.test(trimmed) || !/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new ValidationError(
      `keyPrefix ${JSON.stringify(prefix)} must be printable ASCII without spaces, braces or glob characters`,
    );
  }
  return trimmed;
}

/**
 * Keys that must live in one hash slot (one entity, one atomic unit). Every key built
 * here starts with `prefix:{tag}` so a Lua script may touch all of them on a Cluster.
 */
export class KeyUnit {
  readonly tag: string;
  private readonly base: string;

  constructor(prefix: string, tagParts: readonly string[]) {
    if (tagParts.length === 0) throw new ValidationError('a key unit needs at least one tag part');
    this.tag = `{${tagParts.map(escapeKeyPart).join(':')}}`;
    this.base = `${prefix}:${this.tag}`;
  }

  /** `prefix:{tag}` followed by the escaped parts. Built on every operation, so no array is made. */
  key(...parts: string[]): string {
    let out = this.base;
    for (const part of parts) out += `:${escapeKeyPart(part)}`;
    return out;
  }
}

/**
 * The only place redstate builds key names. `prefix` is the operator's namespace
 * (taken literally); every other part is escaped.
 */
export class Keyspace {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = normalizePrefix(prefix);
  }

  /** A key outside any unit, e.g. a global index: `prefix:p1:p2`. */
  key(...parts: string[]): string {
    return [this.prefix, ...parts.map(escapeKeyPart)].join(':');
  }

  /** Keys sharing one hash slot, tagged by the given parts. */
  unit(...tagParts: string[]): KeyUnit {
    return new KeyUnit(this.prefix, tagParts);
  }

  /** A nested namespace: `prefix:part` (escaped) becomes the new prefix. */
  child(...parts: string[]): Keyspace {
    return new Keyspace(this.key(...parts));
  }
}

/**
 * The part of a key Redis Cluster hashes: the text inside the first `{...}` when it is
 * non-empty, else the whole key. Keys with the same hash tag always share a slot.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
