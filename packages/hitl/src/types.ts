/**
 * The hitl `State` interface and its record shapes, structurally identical to
 * `@hitl-sdk/hitl/state` (not published on npm), so a hitl `Hitl` accepts this store.
 */

/** A form field of an action; its shape belongs to the hitl SDK and is stored as opaque JSON. */
export interface HitlField {
  readonly [key: string]: unknown;
}

export type ActionStyle = 'primary' | 'danger' | 'default';

export interface HumanActionDef<Id extends string = string, F extends Record<string, HitlField> = Record<string, HitlField>> {
  id: Id;
  label?: string;
  style?: ActionStyle;
  fields?: F;
}

/** Ordered list of actions offered to the human (index 0 renders first). */
export type HumanActions = readonly HumanActionDef[];

export interface TimedOutResult {
  type: 'TIMED_OUT';
  id: string;
  externalRef: string;
}

export interface ResolvedResult {
  type: 'RESOLVED';
  actionId: string;
  id: string;
  externalRef: string;
  by?: unknown;
  feedbacks: Record<string, unknown>;
  edited?: unknown;
}

export type HumanResult = TimedOutResult | ResolvedResult;

export type HumanRequestStatus = 'pending' | 'resolved';

export interface NewHumanRequestRecord {
  id: string;
  /** Opaque engine resume token; unique across requests. */
  token: string;
  channel: string;
  /** Logical inbox partition; "global" when absent. */
  namespace?: string;
  message: string;
  actions: HumanActions;
  context?: Record<string, unknown>;
  batchId?: string;
  /** Zero-based position within the batch; orders `listByBatch`. */
  batchIndex?: number;
}

export interface HumanRequestRecord extends NewHumanRequestRecord {
  status: HumanRequestStatus;
  externalId?: string;
  externalIds?: Record<string, string>;
  result?: HumanResult;
  createdAt: string;
  resolvedAt?: string;
}

export interface NewBatchRecord {
  id: string;
  channel: string;
  message?: string;
  actions?: HumanActions;
  context?: Record<string, unknown>;
}

export interface BatchRecord extends NewBatchRecord {
  externalId?: string;
  externalIds?: Record<string, string>;
  createdAt: string;
}

export interface NewNotifyDeliveryRecord {
  id: string;
  channel: string;
  message: string;
  groupId: string;
}

export interface NotifyDeliveryRecord extends NewNotifyDeliveryRecord {
  externalId?: string;
  createdAt: string;
}

export interface TimelineEntry {
  id: string;
  threadId: string;
  message: string;
  detail?: Record<string, unknown>;
  /** Given by the caller (ISO-8601); orders the thread. */
  createdAt: string;
}

export interface InboxListOptions {
  status?: HumanRequestStatus;
  namespace?: string;
  /** Page size, default 50, clamped to [1, 10000]. */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface InboxCountOptions {
  status?: HumanRequestStatus;
  namespace?: string;
}

export interface InboxListResult {
  items: HumanRequestRecord[];
  /** Cursor of the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** Persistence for human requests, batches, timelines and notify deliveries. */
export interface State {
  create(record: NewHumanRequestRecord): Promise<void>;
  get(id: string): Promise<HumanRequestRecord | null>;
  findByExternalId(externalId: string): Promise<HumanRequestRecord | null>;
  findByToken(token: string): Promise<HumanRequestRecord | null>;
  setExternalId(id: string, externalId: string, pluginId?: string): Promise<void>;
  resolve(id: string, result: HumanResult): Promise<void>;
  list(filter?: InboxListOptions): Promise<InboxListResult>;
  count(filter?: InboxCountOptions): Promise<number>;
  createBatch(record: NewBatchRecord): Promise<void>;
  getBatch(id: string): Promise<BatchRecord | null>;
  setBatchExternalId(id: string, externalId: string, pluginId?: string): Promise<void>;
  listByBatch(batchId: string): Promise<HumanRequestRecord[]>;
  appendTimeline(entry: TimelineEntry): Promise<void>;
  timeline(threadId: string): Promise<TimelineEntry[]>;
  createNotifyDelivery(record: NewNotifyDeliveryRecord): Promise<void>;
  getNotifyDelivery(id: string): Promise<NotifyDeliveryRecord | null>;
  setNotifyDeliveryExternalId(id: string, externalId: string): Promise<void>;
}

export const DEFAULT_INBOX_LIMIT = 50;
export const MAX_INBOX_LIMIT = 10_000;
export const DEFAULT_NAMESPACE = 'global';
