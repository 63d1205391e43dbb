import {
  type AgentDispatchAdmission,
  type AgentSubmission,
  type AgentSubmissionInput,
  type AgentSubmissionStore,
  createDispatchAgentSubmissionInput,
  createSessionStorageKey,
  DURABILITY_DEFAULT_MAX_ATTEMPTS,
  DURABILITY_DEFAULT_TIMEOUT_MS,
  type DispatchInput,
  LEASE_DURATION_MS,
  matchesPersistedSubmissionAttachments,
  prepareSubmissionAttachments,
  SUBMISSION_HARNESS_NAME,
  SUBMISSION_SESSION_NAME,
  type SubmissionAttemptRef,
  type SubmissionChunkRow,
  type SubmissionClaimRef,
  type SubmissionDurability,
  type SubmissionSettledRecord,
  type SubmissionSettlementObligation,
  sameSubmissionChunks,
} from '@flue/runtime/adapter';
import { randomUUID } from 'node:crypto';
import { asInteger, asString, Batch, execPipeline, parseInput, type RedisClient, toJson, withMappedErrors } from '@redstate/core';
import { z } from 'zod';
import { FlueAdmissionConflictError } from './errors.js';
import { attemptSchema, claimSchema, durabilitySchema, errorText, idSchema, leaseSchema, submissionInputSchema } from './inputs.js';
import { FlueKeys } from './keys.js';
import {
  abortSessionScript,
  admitScript,
  claimJoinableScript,
  claimScript,
  dropSettledScript,
  finalizeSettlementScript,
  inputAppliedScript,
  joinStepScript,
  listScript,
  markReadyScript,
  renewLeasesScript,
  replaceAttemptScript,
  requeueScript,
  reserveSettlementScript,
  settleQueuedScript,
  type SettleReply,
  settleRunningScript,
} from './scripts.js';
import { obligationOf, type ParsedRow, parseChunks, parseRowList, parseRowReply, toSubmission } from './submission-rows.js';

/** How many expired settled rows one settlement may delete (keeps each script short). */
const PRUNE_BATCH = 16;
/** Staged chunks of an admission that never commits (the writer died) expire after this long. */
const STAGE_TTL_MS = 60 * 60 * 1000;

const directInputSchema = submissionInputSchema.extend({ kind: z.literal('direct') });
const outcomeSchema = z.enum(['failed', 'aborted']);
const submissionIdsSchema = z.array(idSchema);

type ListMode = 'runnable' | 'unready' | 'running' | 'pending' | 'expired' | 'joined';

/**
 * Flue's `AgentSubmissionStore` on Redis. Every method is one script run (one round trip,
 * atomic); all submission keys share one hash slot.
 */
export class RedisSubmissionStore implements AgentSubmissionStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: FlueKeys,
    private readonly retentionMs: number,
    private readonly ready: () => Promise<unknown>,
  ) {}

  async getSubmission(submissionId: string): Promise<AgentSubmission | null> {
    const id = parseInput(idSchema, submissionId, 'submissionId');
    await this.ready();
    const rows = parseRowList(await listScript.run(this.client, this.keys.submissionKeys, ['get', id]));
    return (await this.hydrate(rows))[0] ?? null;
  }

  async hasUnsettledSubmissions(): Promise<boolean> {
    await this.ready();
    return asInteger(await withMappedErrors(() => this.client.zcard(this.keys.unsettled))) > 0;
  }

  listRunnableSubmissions(): Promise<AgentSubmission[]> {
    return this.list('runnable');
  }

  listUnreadySubmissions(): Promise<AgentSubmission[]> {
    return this.list('unready');
  }

  listRunningSubmissions(): Promise<AgentSubmission[]> {
    return this.list('running');
  }

  async listPendingSubmissionSettlements(): Promise<SubmissionSettlementObligation[]> {
    await this.ready();
    const rows = parseRowList(await listScript.run(this.client, this.keys.submissionKeys, ['pending', '']));
    return rows.map(obligationOf).filter((o): o is SubmissionSettlementObligation => o !== null);
  }

  async listExpiredSubmissions(): Promise<AgentSubmission[]> {
    const rows = await this.list('expired');
    return rows.sort((a, b) => a.sequence - b.sequence);
  }

  async listJoinedSubmissions(hostSubmissionId: string): Promise<AgentSubmission[]> {
    const id = parseInput(idSchema, hostSubmissionId, 'hostSubmissionId');
    return this.list('joined', FlueKeys.member(id));
  }

  async replaceSubmissionAttempt(
    attempt: SubmissionAttemptRef,
    nextAttemptId: string,
    lease?: { ownerId: string; leaseExpiresAt: number },
  ): Promise<AgentSubmission | null> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    const next = parseInput(idSchema, nextAttemptId, 'nextAttemptId');
    const l = lease === undefined ? undefined : parseInput(leaseSchema, lease, 'lease');
    await this.ready();
    return this.one(
      await replaceAttemptScript.run(this.client, this.keys.submissionKeys, [
        ref.submissionId,
        ref.attemptId,
        next,
        l?.ownerId ?? '',
        l === undefined ? '' : String(l.leaseExpiresAt),
      ]),
    );
  }

  async admitDispatch(input: DispatchInput): Promise<AgentDispatchAdmission> {
    return this.admit(createDispatchAgentSubmissionInput(input));
  }

  async admitDirect(input: AgentSubmissionInput): Promise<AgentSubmission> {
    if (input?.kind !== 'direct') parseInput(directInputSchema, input, 'direct submission');
    const admission = await this.admit(input);
    if (admission.kind !== 'submission') {
      throw new FlueAdmissionConflictError(
        `direct admission returned an unexpected result: submission ${input.submissionId} was already admitted with another payload`,
        { details: { submissionId: input.submissionId } },
      );
    }
    return admission.submission;
  }

  async markSubmissionCanonicalReady(submissionId: string): Promise<AgentSubmission | null> {
    const id = parseInput(idSchema, submissionId, 'submissionId');
    await this.ready();
    return this.one(await markReadyScript.run(this.client, this.keys.submissionKeys, [id]));
  }

  async claimSubmission(claim: SubmissionClaimRef): Promise<AgentSubmission | null> {
    const c = parseInput(claimSchema, claim, 'claim');
    await this.ready();
    return this.one(
      await claimScript.run(this.client, this.keys.submissionKeys, [
        c.submissionId,
        c.attemptId,
        c.ownerId,
        c.leaseExpiresAt,
        DURABILITY_DEFAULT_MAX_ATTEMPTS,
        DURABILITY_DEFAULT_TIMEOUT_MS,
      ]),
    );
  }

  async markSubmissionInputApplied(attempt: SubmissionAttemptRef, durability?: SubmissionDurability): Promise<boolean> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    const d = durability === undefined ? undefined : parseInput(durabilitySchema, durability, 'durability');
    await this.ready();
    const applied = await inputAppliedScript.run(this.client, this.keys.submissionKeys, [
      ref.submissionId,
      ref.attemptId,
      d === undefined ? '' : String(d.maxAttempts),
      d === undefined ? '' : String(d.timeoutAt),
    ]);
    return applied === 1;
  }

  async requestSessionAbort(sessionKey: string): Promise<string[]> {
    const key = parseInput(idSchema, sessionKey, 'sessionKey');
    await this.ready();
    return abortSessionScript.run(this.client, this.keys.submissionKeys, [FlueKeys.member(key)]);
  }

  async requeueSubmission(attempt: SubmissionAttemptRef): Promise<boolean> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    await this.ready();
    return (await requeueScript.run(this.client, this.keys.submissionKeys, [ref.submissionId, ref.attemptId])) === 1;
  }

  async reserveSubmissionSettlement(
    attempt: SubmissionAttemptRef,
    settlement: { recordId: string; record: SubmissionSettledRecord },
  ): Promise<SubmissionSettlementObligation | null> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    const recordId = parseInput(idSchema, settlement?.recordId, 'settlement.recordId');
    const recordJson = toJson(settlement.record, 'settlement.record');
    const message = recordErrorMessage(settlement.record);
    await this.ready();
    const raw = await reserveSettlementScript.run(this.client, this.keys.submissionKeys, [
      ref.submissionId,
      ref.attemptId,
      recordId,
      recordJson,
      message === undefined ? '0' : '1',
      message ?? '',
    ]);
    if (raw.length === 0) return null;
    return obligationOf(parseRowReply(raw));
  }

  async finalizeSubmissionSettlement(
    attempt: SubmissionAttemptRef,
    recordId: string,
    options?: { errorMessage?: string },
  ): Promise<boolean> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    const id = parseInput(idSchema, recordId, 'recordId');
    const message = options?.errorMessage;
    await this.ready();
    const reply = await finalizeSettlementScript.run(this.client, this.keys.submissionKeys, [
      ref.submissionId,
      ref.attemptId,
      id,
      typeof message === 'string' ? '1' : '0',
      typeof message === 'string' ? message : '',
      this.retentionMs,
      PRUNE_BATCH,
    ]);
    return this.afterSettle(reply);
  }

  completeSubmission(attempt: SubmissionAttemptRef): Promise<boolean> {
    return this.settleRunning(attempt, undefined);
  }

  failSubmission(attempt: SubmissionAttemptRef, error: unknown): Promise<boolean> {
    return this.settleRunning(attempt, errorText(error));
  }

  async settleQueuedSubmission(submissionId: string, outcome: 'failed' | 'aborted', error: unknown): Promise<boolean> {
    const id = parseInput(idSchema, submissionId, 'submissionId');
    parseInput(outcomeSchema, outcome, 'outcome');
    await this.ready();
    const reply = await settleQueuedScript.run(this.client, this.keys.submissionKeys, [
      id,
      errorText(error),
      this.retentionMs,
      PRUNE_BATCH,
    ]);
    return this.afterSettle(reply);
  }

  async claimJoinableSubmissions(host: SubmissionAttemptRef, agentName: string): Promise<AgentSubmission[]> {
    const ref = parseInput(attemptSchema, host, 'host');
    const agent = parseInput(idSchema, agentName, 'agentName');
    await this.ready();
    const raw = await claimJoinableScript.run(this.client, this.keys.submissionKeys, [ref.submissionId, ref.attemptId, agent]);
    return this.hydrate(parseRowList(raw));
  }

  finalizeJoinedSubmission(host: SubmissionAttemptRef, submissionId: string): Promise<boolean> {
    return this.joinStep(host, submissionId, 'finalize');
  }

  revertJoiningSubmission(host: SubmissionAttemptRef, submissionId: string): Promise<boolean> {
    return this.joinStep(host, submissionId, 'revert');
  }

  async renewLeases(ownerId: string, submissionIds: string[]): Promise<void> {
    const owner = parseInput(idSchema, ownerId, 'ownerId');
    const ids = parseInput(submissionIdsSchema, submissionIds, 'submissionIds');
    if (ids.length === 0) return;
    await this.ready();
    await renewLeasesScript.run(this.client, this.keys.submissionKeys, [owner, LEASE_DURATION_MS, ...ids]);
  }

  private async admit(input: AgentSubmissionInput): Promise<AgentDispatchAdmission> {
    const valid = parseInput(submissionInputSchema, input, `${input?.kind ?? 'submission'} admission`);
    const prepared = prepareSubmissionAttachments(input);
    const payload = JSON.stringify(prepared.value);
    const acceptedAt = Date.parse(valid.acceptedAt);
    const sessionKey = createSessionStorageKey(valid.agent, valid.id, SUBMISSION_HARNESS_NAME, SUBMISSION_SESSION_NAME);
    await this.ready();
    const stageKey = this.keys.chunkStage(prepared.chunks.length > 0 ? randomUUID() : '-');
    if (prepared.chunks.length > 0) {
      // Each chunk is at most 256 KiB of attachment data: staged one field per command.
      const stage = new Batch(this.client);
      prepared.chunks.forEach((chunk, i) => {
        stage.command('HSET', [stageKey, i, JSON.stringify(chunk)]);
      });
      stage.command('PEXPIRE', [stageKey, STAGE_TTL_MS]);
      await stage.exec();
    }
    const [created, ...parts] = await admitScript.run(
      this.client,
      [...this.keys.submissionKeys, stageKey, this.keys.chunks(valid.submissionId)],
      [
        valid.submissionId,
        sessionKey,
        FlueKeys.member(sessionKey),
        FlueKeys.member(valid.submissionId),
        valid.agent,
        valid.id,
        valid.kind,
        acceptedAt,
        payload,
        prepared.chunks.length,
        DURABILITY_DEFAULT_MAX_ATTEMPTS,
      ],
    );
    const existing = parseRowReply(parts);
    if (asInteger(created) === 1) return { kind: 'submission', submission: toSubmission(existing, prepared.chunks) };
    if (existing.row.kind !== valid.kind) return { kind: 'conflict' };
    const storedChunks = existing.chunkCount > 0 ? ((await this.readChunks([existing])).get(existing.row.id) ?? []) : [];
    const same =
      existing.payload === payload
        ? sameSubmissionChunks(storedChunks, prepared.chunks)
        : matchesPersistedSubmissionAttachments(input, existing.input, storedChunks);
    return same ? { kind: 'submission', submission: toSubmission(existing, storedChunks) } : { kind: 'conflict' };
  }

  private async settleRunning(attempt: SubmissionAttemptRef, error: string | undefined): Promise<boolean> {
    const ref = parseInput(attemptSchema, attempt, 'attempt');
    await this.ready();
    const reply = await settleRunningScript.run(this.client, this.keys.submissionKeys, [
      ref.submissionId,
      ref.attemptId,
      error === undefined ? '0' : '1',
      error ?? '',
      this.retentionMs,
      PRUNE_BATCH,
    ]);
    return this.afterSettle(reply);
  }

  private async joinStep(host: SubmissionAttemptRef, submissionId: string, step: 'finalize' | 'revert'): Promise<boolean> {
    const ref = parseInput(attemptSchema, host, 'host');
    const id = parseInput(idSchema, submissionId, 'submissionId');
    await this.ready();
    return (await joinStepScript.run(this.client, this.keys.submissionKeys, [ref.submissionId, ref.attemptId, id, step])) === 1;
  }

  private async list(mode: ListMode, arg = ''): Promise<AgentSubmission[]> {
    await this.ready();
    const raw = await listScript.run(this.client, this.keys.submissionKeys, [mode, arg]);
    return this.hydrate(parseRowList(raw));
  }

  private async one(raw: unknown[]): Promise<AgentSubmission | null> {
    if (raw.length === 0) return null;
    return (await this.hydrate([parseRowReply(raw)]))[0] ?? null;
  }

  /** Puts attachment chunks back: one pipeline for every row that has a chunk hash. */
  private async hydrate(rows: readonly ParsedRow[]): Promise<AgentSubmission[]> {
    const chunked = rows.filter((r) => r.chunkCount > 0);
    if (chunked.length === 0) return rows.map((r) => toSubmission(r, []));
    const byId = await this.readChunks(chunked);
    return rows.map((r) => toSubmission(r, byId.get(r.row.id) ?? []));
  }

  /** One HGET per chunk (each at most 256 KiB of data), all in one pipeline. */
  private async readChunks(rows: readonly ParsedRow[]): Promise<Map<string, SubmissionChunkRow[]>> {
    const pipeline = this.client.pipeline();
    for (const r of rows) {
      for (let i = 0; i < r.chunkCount; i++) pipeline.hget(this.keys.chunks(r.row.id), String(i));
    }
    const replies = await execPipeline(pipeline);
    const byId = new Map<string, SubmissionChunkRow[]>();
    let cursor = 0;
    for (const r of rows) {
      const values = replies.slice(cursor, cursor + r.chunkCount).map((v) => (v === null ? null : asString(v)));
      cursor += r.chunkCount;
      byId.set(r.row.id, parseChunks(r.row.id, values));
    }
    return byId;
  }

  /** Applies retention to expired settled rows that have a chunk hash (row and hash together). */
  private async afterSettle(reply: SettleReply): Promise<boolean> {
    if (reply.drop.length > 0 && this.retentionMs > 0) {
      const batch = new Batch(this.client);
      for (const id of reply.drop) {
        batch.script(dropSettledScript, [...this.keys.submissionKeys, this.keys.chunks(id)], [id, this.retentionMs]);
      }
      await batch.exec();
    }
    return reply.settled;
  }
}

/** The client-safe error message a settlement record carries, if any. */
function recordErrorMessage(record: SubmissionSettledRecord): string | undefined {
  const error = record?.error;
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return undefined;
}
