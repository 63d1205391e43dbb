export {
  type CustomEntry,
  type CustomEntryInput,
  customEntrySchema,
  ENTRY_KINDS,
  MAX_COUNT,
  type SubAgentEntry,
  type SubAgentEntryInput,
  subAgentEntrySchema,
  type TokensEntry,
  type TokensEntryInput,
  tokenCountsSchema,
  tokensEntrySchema,
  type ToolEntry,
  type ToolEntryInput,
  toolEntrySchema,
  type UsageEntry,
  type UsageEntryInput,
  type UsageEntryKind,
  usageEntryInputSchema,
  usageEntrySchema,
  usageSourceSchema,
} from './entry-schema.js';
export type { GetEntriesOptions } from './entries-query.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export { usageMigrations } from './migrations.js';
export type {
  FindSessionIdsOptions,
  GetRollupOptions,
  RecordEntryResult,
  RedisUsageStoreOptions,
  SessionIdPage,
} from './options.js';
export type { CallTotals, CustomMetricTotals, TokenTotals, UsageRollup } from './rollup.js';
export { usageScripts } from './scripts.js';
export { RedisUsageStore } from './usage-store.js';
