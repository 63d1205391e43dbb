import type { z } from 'zod';
import type {
  AgentStateInputSchema,
  AgentStateSchema,
  AgentStatusSchema,
  CheckpointSchema,
  JsonPatchOperationSchema,
  JsonValueSchema,
  MessageSchema,
  StagedChangeSchema,
  StreamChunkSchema,
  StreamStatusSchema,
} from './schemas.js';

/** Any JSON value. */
export type JsonValue = z.infer<typeof JsonValueSchema>;
export type AgentStatus = z.infer<typeof AgentStatusSchema>;
export type Message = z.infer<typeof MessageSchema>;
/** What `saveState` takes. */
export type AgentStateInput = z.input<typeof AgentStateInputSchema>;
/** What `loadState` returns. */
export type AgentState = z.infer<typeof AgentStateSchema>;
export type JsonPatchOperation = z.infer<typeof JsonPatchOperationSchema>;
export type StagedChange = z.infer<typeof StagedChangeSchema>;
export type Checkpoint = z.infer<typeof CheckpointSchema>;
export type StreamChunk = z.infer<typeof StreamChunkSchema>;
export type StreamStatus = z.infer<typeof StreamStatusSchema>;

export interface Logger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** A lock's fencing token (from @redstate/locks): an integer, as number or decimal string. */
export type FencingToken = number | string;

export interface SaveStateOptions {
  /** Reject the write with StaleFencingTokenError when a newer token was seen for the session. */
  fencingToken?: FencingToken;
  /**
   * `auto` (default): write a checkpoint when `stepCount` differs from the latest checkpoint's.
   * `always` / `never`: as named.
   */
  checkpoint?: 'auto' | 'always' | 'never';
  /**
   * How `state.messages` is written. `sync` (default): the stored list is treated as a prefix
   * of `state.messages` and only the new tail is appended (a shorter array replaces the list).
   * `replace`: rewrite the whole list.
   */
  messages?: 'sync' | 'replace';
}

export interface SaveStateResult {
  /** The state's version after the write (increments with every write). */
  version: number;
  messageCount: number;
  /** Id of the checkpoint written with this state, if any. */
  checkpointId: string | null;
}

export interface WriteOptions {
  fencingToken?: FencingToken;
}

export interface GetMessagesOptions {
  /** First message index (default 0). */
  offset?: number;
  /** Most messages to return (default: all from `offset`). */
  limit?: number;
}

export interface GetMessagesResult {
  messages: Message[];
  hasMore: boolean;
}

export interface ListCheckpointsOptions {
  /** Page size, 1..1000 (default 20). */
  limit?: number;
  /** `nextCursor` from the previous page. */
  cursor?: string;
}

export interface ListCheckpointsResult {
  /** Newest first. */
  checkpoints: Checkpoint[];
  nextCursor: string | null;
}

export interface PromoteResult {
  /** Staged changes applied (0 when nothing was staged for the step). */
  applied: number;
  /** The state's version after promotion. */
  version: number;
}

/** The Helix state-store interface. */
export interface StateStore {
  saveState(sessionId: string, state: AgentStateInput, options?: SaveStateOptions): Promise<SaveStateResult>;
  loadState(sessionId: string): Promise<AgentState | null>;
  deleteSession(sessionId: string): Promise<boolean>;
  updateStatus(sessionId: string, status: AgentStatus, options?: WriteOptions): Promise<void>;
  appendMessages(sessionId: string, messages: readonly Message[], options?: WriteOptions): Promise<number>;
  getMessages(sessionId: string, options?: GetMessagesOptions): Promise<GetMessagesResult>;
  getCheckpoint(sessionId: string, checkpointId: string): Promise<Checkpoint | null>;
  getLatestCheckpoint(sessionId: string): Promise<Checkpoint | null>;
  listCheckpoints(sessionId: string, options?: ListCheckpointsOptions): Promise<ListCheckpointsResult>;
  stageChanges(sessionId: string, stepId: string, change: StagedChange): Promise<void>;
  promoteStaging(sessionId: string, stepId: string): Promise<PromoteResult>;
  discardStaging(sessionId: string, stepId: string): Promise<boolean>;
  compareAndSetStatus(sessionId: string, expected: readonly AgentStatus[], next: AgentStatus): Promise<boolean>;
  incrementResumeCount(sessionId: string): Promise<number>;
}

export interface SequencedChunk {
  chunk: StreamChunk;
  /** 1-based, gapless per stream; usable as an SSE Last-Event-ID. */
  sequence: number;
}

export interface StreamInfo {
  streamId: string;
  status: StreamStatus;
  /** Sequence of the newest chunk (0 when empty). */
  lastSequence: number;
  createdAt: number;
  updatedAt: number;
  agentId: string | null;
  agentType: string | null;
  error: string | null;
}

export interface StreamWriter {
  readonly streamId: string;
  /** Appends one chunk and returns its sequence. */
  write(chunk: StreamChunk): Promise<number>;
  /** Marks the writer finished; does not end the stream (see `endStream`). */
  close(): Promise<void>;
}

/** Async iterable over a stream; closes its dedicated connection when iteration stops. */
export interface StreamReader<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

export interface ResumableReaderOptions {
  /** Last sequence the consumer already has (exclusive); 0 (default) reads from the start. */
  fromSequence?: number;
}

/** The Helix stream-manager interface. */
export interface StreamManager {
  createWriter(streamId: string, agentId: string, agentType: string): Promise<StreamWriter>;
  createReader(streamId: string): Promise<StreamReader<StreamChunk> | null>;
  createResumableReader(streamId: string, options?: ResumableReaderOptions): Promise<StreamReader<SequencedChunk> | null>;
  endStream(streamId: string): Promise<boolean>;
  failStream(streamId: string, error: string): Promise<boolean>;
  getInfo(streamId: string): Promise<StreamInfo | null>;
}

export type ChunkListener = (chunk: StreamChunk, sequence: number) => void | Promise<void>;

export interface SubscribeOptions {
  /** Deliver chunks after this sequence; default: only chunks appended after subscribing. */
  fromSequence?: number;
}

/** The Helix lower-level resumable storage interface. */
export interface ResumableStorage {
  create(streamId: string): Promise<boolean>;
  append(streamId: string, chunk: StreamChunk, sequence: number): Promise<void>;
  readFrom(streamId: string, fromSequence: number, limit?: number): Promise<SequencedChunk[]>;
  subscribe(streamId: string, listener: ChunkListener, options?: SubscribeOptions): () => void;
  getMetadata(streamId: string): Promise<StreamInfo | null>;
  end(streamId: string): Promise<boolean>;
}
