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

/** `JSON.stringify` for user payloads: values JSON cannot represent are a {@link ValidationError}. */
export function toJson(value: unknown, what: string): string {
  let out: string | undefined;
  try {
    out = JSON.stringify(value);
  } catch (cause) {
    throw new ValidationError(`${what} is not JSON-serialisable`, { cause, details: { what } });
  }
  if (out === undefined) throw new ValidationError(`${what} is not JSON-serialisable`, { details: { what } });
  return out;
}
