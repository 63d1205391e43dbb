import { randomBytes } from 'node:crypto';

// Timeline entries are ordered by their caller-given createdAt, ties by entry id. Two notes
// written in the same millisecond would then order by a random id, so this process hands
// out strictly increasing milliseconds instead.
let lastMs = 0;

export function nextMillis(): number {
  lastMs = Math.max(Date.now(), lastMs + 1);
  return lastMs;
}

/** `<prefix>-<ms, 13 digits>-<4 random hex>`: unique across processes, increasing within one. */
export function newId(prefix: string, ms = nextMillis()): string {
  return `${prefix}-${String(ms).padStart(13, '0')}-${randomBytes(2).toString('hex')}`;
}
