import { z } from 'zod';
import { CorruptDataError, ValidationError } from './errors.js';

/** Longest id accepted anywhere; keeps keys well under Redis' practical limits. */
export const MAX_ID_LENGTH = 1024;

/** A user-supplied identifier: non-empty, well-formed unicode, bounded length. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine((s) => s.isWellFormed(), 'must be well-formed unicode');

export const positiveIntSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates with `schema` but answers the value as given. zod rebuilds objects, loose objects
 * and records, and the rebuilt copy has no own `"__proto__"` key, which JSON.parse creates as
 * plain data and users may send: wrap a schema of user JSON in this so no key is lost. Only
 * for schemas that check and never transform (no defaults, coercion or transforms inside).
 */
export function keepAsGiven<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>, z.input<S>> {
  return z.custom<z.output<S>>().superRefine((value, ctx) => {
    const result = schema.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue } as never);
  }) as unknown as z.ZodType<z.output<S>, z.input<S>>;
}

/** Validates a public input; throws {@link ValidationError} naming `what` and every issue. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`invalid ${what}: ${describeIssues(result.error)}`, {
    cause: result.error,
    details: { what },
  });
}

/** Validates data read back from Redis; throws {@link CorruptDataError} naming `what`. */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new CorruptDataError(`corrupt stored ${what}: ${describeIssues(result.error)}`, {
    cause: result.error,
    details: { what },
  });
}

/** `JSON.parse` for stored strings: invalid JSON becomes a {@link CorruptDataError}. */
export function parseStoredJson(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new CorruptDataError(`corrupt stored ${what}: not valid JSON`, { cause, details: { what } });
  }
}

/**
 * Where `JSON.stringify` would silently change `value` (NaN becoming null, a function or
 * symbol dropped, `undefined` in an array becoming null, a Map becoming `{}`), the path of
 * the first such place; undefined when the value round-trips. Object properties that are
 * `undefined` are allowed: JSON omits them, which is what optional fields mean.
 */
function lossyJsonPath(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  if (ancestors.size > 2_000) return path; // deeper than any sane payload; also keeps the walk off the stack limit
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : path;
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      return path;
  }
  if (value === null) return undefined;
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) return path;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined; // Date and friends: serialised by their own rule
  const node = value as object;
  if (ancestors.has(node)) return path; // a cycle
  ancestors.add(node);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const bad = lossyJsonPath(value[i], `${path}[${i}]`, ancestors);
        if (bad !== undefined) return bad;
      }
      return undefined;
    }
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (child === undefined) continue;
      const bad = lossyJsonPath(child, `${path}.${key}`, ancestors);
      if (bad !== undefined) return bad;
    }
    return undefined;
  } finally {
    ancestors.delete(node);
  }
}

/**
 * `JSON.stringify` for user payloads. Values JSON cannot represent exactly (NaN, Infinity,
 * BigInt, functions, symbols, Map/Set, `undefined` in arrays, cycles, nesting deeper than 2,000) are a
 * {@link ValidationError} rather than being silently changed.
 */
export function toJson(value: unknown, what: string): string {
  const lossy = lossyJsonPath(value, what, new Set());
  if (lossy !== undefined) {
    throw new ValidationError(`${what} is not JSON-serialisable without loss (at ${lossy})`, { details: { what, path: lossy } });
  }
  let out: string | undefined;
  try {
    out = JSON.stringify(value);
  } catch (cause) {
    throw new ValidationError(`${what} is not JSON-serialisable`, { cause, details: { what } });
  }
  if (out === undefined) throw new ValidationError(`${what} is not JSON-serialisable`, { details: { what } });
  return out;
}
