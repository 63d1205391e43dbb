export type { AgentStateEvents, ConnectionOptions } from './connection.js';
export { DEFAULT_KEY_PREFIX, DEFAULT_TTL } from './connection.js';
export {
  agentStateScriptErrors,
  MalformedChunkError,
  SequenceConflictError,
  StreamClosedError,
  StreamFailedError,
  StreamTrimmedError,
} from './errors.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export { applyJsonPatch } from './json-patch.js';
export { migrations } from './migrations.js';
export { RedisResumableStorage, type RedisResumableStorageOptions } from './resumable-storage.js';
export {
  AGENT_STATUSES,
  AgentStateInputSchema,
  AgentStateSchema,
  AgentStatusSchema,
  CheckpointSchema,
  JsonPatchOperationSchema,
  MessageSchema,
  StagedChangeSchema,
  StreamChunkSchema,
  StreamStatusSchema,
} from './schemas.js';
export { agentStateScripts } from './scripts.js';
export { RedisStateStore, type RedisStateStoreOptions } from './state-store.js';
export type { StreamOptions } from './stream-base.js';
export { RedisStreamManager, type RedisStreamManagerOptions } from './stream-manager.js';
export type * from './types.js';
