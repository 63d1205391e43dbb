import { z } from 'zod';
import { ENTRY_KINDS, type UsageEntryKind } from './entry-schema.js';
import type { SessionKeys } from './keys.js';

const bound = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const getEntriesOptionsSchema = z
  .strictObject({
    kinds: z.array(z.enum(ENTRY_KINDS)).min(1, 'must name at least one kind').optional(),
    /** Inclusive step bounds. */
    stepRange: z.strictObject({ min: bound.optional(), max: bound.optional() }).optional(),
    /** Inclusive timestamp bounds in ms. */
    timeRange: z.strictObject({ start: bound.optional(), end: bound.optional() }).optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .optional();

export type GetEntriesOptions = z.input<typeof getEntriesOptionsSchema>;

const MAX = Number.MAX_SAFE_INTEGER;

/** Which index drives the read and the arguments of get-entries. */
export interface EntriesPlan {
  readonly driver: string;
  readonly args: (string | number)[];
}

/**
 * Picks the index that narrows the read most without decoding entries: a step range
 * without a time range -> by-step (results in step order); otherwise one kind -> that
 * kind's by-time zset, else by-time (results in time order). Ties keep recording order.
 */
export function planEntries(keys: SessionKeys, options: z.output<typeof getEntriesOptionsSchema>): EntriesPlan {
  const kinds = options?.kinds ? [...new Set(options.kinds)] : undefined;
  const stepLo = options?.stepRange?.min ?? 0;
  const stepHi = options?.stepRange?.max ?? MAX;
  const timeLo = options?.timeRange?.start ?? 0;
  const timeHi = options?.timeRange?.end ?? MAX;
  const hasStep = options?.stepRange !== undefined && (stepLo > 0 || stepHi < MAX);
  const oneKind: UsageEntryKind | undefined = kinds?.length === 1 ? kinds[0] : undefined;
  const everyKind = kinds === undefined || kinds.length === ENTRY_KINDS.length;

  let driver: string;
  let lo: number;
  let hi: number;
  let filterKinds: boolean;
  let filterOther: boolean;
  if (options?.stepRange !== undefined && options.timeRange === undefined) {
    [driver, lo, hi, filterKinds, filterOther] = [keys.byStep, stepLo, stepHi, !everyKind, false];
  } else if (oneKind !== undefined) {
    [driver, lo, hi, filterKinds, filterOther] = [keys.byKindTime[oneKind], timeLo, timeHi, false, hasStep];
  } else {
    [driver, lo, hi, filterKinds, filterOther] = [keys.byTime, timeLo, timeHi, !everyKind, hasStep];
  }
  const needsFilter = filterKinds || filterOther;
  return {
    driver,
    args: [
      lo,
      hi,
      filterKinds && kinds ? kinds.join(',') : '',
      stepLo,
      stepHi,
      timeLo,
      timeHi,
      options?.offset ?? 0,
      options?.limit ?? -1,
      needsFilter ? '1' : '0',
    ],
  };
}
