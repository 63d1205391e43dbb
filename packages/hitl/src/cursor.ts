import { ValidationError } from '@redstate/core';
import { DEFAULT_INBOX_LIMIT, MAX_INBOX_LIMIT } from './types.js';

export interface InboxCursor {
  readonly createdAt: string;
  readonly ms: number;
  readonly id: string;
}

/** Opaque page cursor: base64url of `createdAt|id` (the hitl SDK's format). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): InboxCursor {
  const bad = (why: string) => new ValidationError(`invalid inbox cursor ${JSON.stringify(cursor)}: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad('not base64url');
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const sep = decoded.indexOf('|');
  if (sep <= 0 || sep === decoded.length - 1) throw bad('expected createdAt|id');
  const createdAt = decoded.slice(0, sep);
  const ms = Date.parse(createdAt);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(createdAt) || !Number.isFinite(ms)) throw bad('createdAt is not an ISO-8601 time');
  return { createdAt, ms, id: decoded.slice(sep + 1) };
}

/** Default 50; anything else clamped to [1, 10000] (fractions round down). */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_INBOX_LIMIT;
  return Math.min(MAX_INBOX_LIMIT, Math.max(1, Math.floor(limit)));
}
