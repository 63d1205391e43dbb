export { RedisAttachmentStore } from './attachment-store.js';
export { PIECE_BYTES, RedisConversationStreamStore, SPILL_BYTES } from './conversation-stream-store.js';
export { FlueAdmissionConflictError, FlueFormatVersionError, FlueStreamRejectedError, flueScriptErrors } from './errors.js';
export { type FlueRedisAdapter, type FlueRedisMigrateResult, flueRedis } from './flue-redis.js';
export { FlueKeys } from './keys.js';
export type { FlueRedisOptions } from './options.js';
export { checkFormatStamp, type FormatStampOutcome, flueMigrations } from './schema.js';
export { allScripts as flueScripts } from './scripts.js';
export { RedisSubmissionStore } from './submission-store.js';
