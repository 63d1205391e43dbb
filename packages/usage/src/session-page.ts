import type { RawSessionPage } from './scripts.js';

export interface MergedPage {
  readonly ids: string[];
  /** Last id covered (exclusive bound of the next page), or null when every shard is done. */
  readonly next: string | null;
}

/** Redis orders zset members by their bytes. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Merges one page from each index shard (each read from the same cursor) into one page
 * in global id order. Only ids up to the smallest "scanned up to here" bound of a shard
 * that has more are safe to return: beyond it, that shard may hold ids not yet read.
 */
export function mergeShardPages(pages: readonly RawSessionPage[], limit: number): MergedPage {
  let bound: string | null = null;
  for (const page of pages) {
    if (page.next !== '' && (bound === null || compareBytes(page.next, bound) < 0)) bound = page.next;
  }
  const ids = pages
    .flatMap((page) => page.ids)
    .filter((id) => bound === null || compareBytes(id, bound) <= 0)
    .sort(compareBytes);
  if (ids.length > limit) return { ids: ids.slice(0, limit), next: ids[limit - 1]! };
  return { ids, next: bound };
}
