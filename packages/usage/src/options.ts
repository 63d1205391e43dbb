import { z } from 'zod';

export const usageStoreOptionsSchema = z
  .strictObject({
    /** Namespace of every key. Default `helix`. Keys live under `<keyPrefix>:usage:`. */
    keyPrefix: z.string().min(1).optional(),
    /** Sliding retention of a session's keys, refreshed by every recordEntry. 0 keeps them forever. Default 86400. */
    ttlSeconds: z.number().int().min(0).max(10 * 365 * 86_400).optional(),
    /**
     * Shards of the session index (each its own hash slot), so on a Cluster the index
     * writes of recordEntry spread over nodes. Default 1. Part of the key layout: every
     * store on the same keyPrefix must use the same value.
     */
    indexShards: z.number().int().min(1).max(256).optional(),
  })
  .optional();

export type RedisUsageStoreOptions = z.input<typeof usageStoreOptionsSchema>;

export const getRollupOptionsSchema = z
  .strictObject({
    /** Fold in the usage of sub-agent sessions, following `subagent` entries recursively. Default false. */
    includeSubAgents: z.boolean().optional(),
    /** How many levels of sub-agents to follow. Default 10. */
    maxDepth: z.number().int().min(0).max(100).optional(),
  })
  .optional();

export type GetRollupOptions = z.input<typeof getRollupOptionsSchema>;

export const findSessionIdsOptionsSchema = z
  .strictObject({
    /** `nextCursor` of the previous page. */
    cursor: z.string().min(1).optional(),
    /** Page size, default 100, at most 1000. */
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();

export type FindSessionIdsOptions = z.input<typeof findSessionIdsOptionsSchema>;

export interface SessionIdPage {
  sessionIds: string[];
  /** Pass as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

export interface RecordEntryResult {
  /** The entry's id (generated when the input had none). */
  id: string;
  /** False when this id was already recorded with the same body (a retry): nothing was counted. */
  recorded: boolean;
}
