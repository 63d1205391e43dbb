export { Batch, type BatchRef, type BatchResults } from './batch.js';
export { execPipeline, execPipelineSettled } from './pipeline.js';
export { type ClientHandle, isCluster, isRedisClient, masterNodes, type RedisClient, resolveClient } from './client.js';
export { coreScripts } from './core-scripts.js';
export {
  ConflictError,
  CorruptDataError,
  LockLostError,
  NotFoundError,
  RedisUnavailableError,
  RedstateError,
  type RedstateErrorOptions,
  SchemaNotReadyError,
  SchemaTooNewError,
  ServerConfigError,
  StaleFencingTokenError,
  ValidationError,
} from './errors.js';
export { PACKAGE_VERSION as CORE_VERSION } from './generated/version.js';
export {
  type InspectServerOptions,
  inspectServer,
  type NodeReport,
  type ServerReport,
  type ServerWarning,
} from './inspect-server.js';
export { setOwn } from './own-property.js';
export { escapeKeyPart, hashTagOf, KeyUnit, Keyspace, normalizePrefix, unescapeKeyPart } from './keyspace.js';
export {
  asArray,
  asBoolean,
  asFieldMap,
  asInteger,
  asNullableString,
  asOk,
  asString,
  asStringArray,
} from './replies.js';
export {
  type EnsureSchemaResult,
  type Migration,
  type MigrationContext,
  SchemaLedger,
  type SchemaLedgerOptions,
  type SchemaStatus,
} from './schema-ledger.js';
export { defineScript, isNoScriptError, Script, type ScriptArg, type ScriptDefinition, type ScriptSource, verifyScripts } from './script.js';
export { coreScriptErrors, type ErrorFactory, mapRedisError, readMapped, type ScriptErrorMap, withMappedErrors } from './script-errors.js';
export { idSchema, keepAsGiven, MAX_ID_LENGTH, parseInput, parseStored, parseStoredJson, positiveIntSchema, toJson } from './validation.js';
export {
  type BatchOutcome,
  batchGroupOf,
  DEFAULT_MAX_BATCH,
  DEFAULT_SPLIT_ABOVE,
  type SendBatch,
  TickBatcher,
  type TickBatcherOptions,
} from './tick-batcher.js';
