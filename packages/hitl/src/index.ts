export { AlreadyResolvedError, DuplicateIdError, hitlScriptErrors, TokenInUseError } from './errors.js';
export { DEFAULT_TABLE, HitlKeys, tablePrefix } from './keys.js';
export { SCHEMA_VERSION } from './migrations/index.js';
export { hitlScripts } from './scripts.js';
export { IoredisState, LEDGER_NAMESPACE, RedisHitlState, type RedisHitlStateOptions } from './state.js';
export type {
  ActionStyle,
  BatchRecord,
  HitlField,
  HumanActionDef,
  HumanActions,
  HumanRequestRecord,
  HumanRequestStatus,
  HumanResult,
  InboxCountOptions,
  InboxListOptions,
  InboxListResult,
  NewBatchRecord,
  NewHumanRequestRecord,
  NewNotifyDeliveryRecord,
  NotifyDeliveryRecord,
  ResolvedResult,
  State,
  TimedOutResult,
  TimelineEntry,
} from './types.js';
export { DEFAULT_INBOX_LIMIT, DEFAULT_NAMESPACE, MAX_INBOX_LIMIT } from './types.js';
export { decodeCursor, encodeCursor } from './cursor.js';
