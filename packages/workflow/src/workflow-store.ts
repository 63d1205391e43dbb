import type { SerializedError } from '@pikku/core';
import type { WorkflowPlannedStep, WorkflowRun, WorkflowRunWire, WorkflowStatus, WorkflowVersionStatus } from '@pikku/core/workflow';
import {
  Batch,
  type EnsureSchemaResult,
  idSchema,
  keepAsGiven,
  Keyspace,
  withMappedErrors,
  NotFoundError,
  parseInput,
  parseStored,
  parseStoredJson,
  readMapped,
  type RedisClient,
  type SchemaLedger,
  setOwn,
  toJson,
  ValidationError,
} from '@redstate/core';
import { z } from 'zod';
import {
  currentAttempts,
  type DecodedAttempt,
  decodeAttempt,
  decodeAttempts,
  optionalJson,
  type StepRecord,
} from './codec.js';
import { newRunId, type ParsedRunId, type ParsedStepId, parseRunId, parseStepId, stepIdOf, workflowDigest } from './ids.js';
import { RUN_STATUSES, type RunKeys, WorkflowKeys } from './keys.js';
import type { ResolvedStoreOptions } from './options.js';
import { asHash } from './replies.js';
import { decodeRunValues, encodeRunSpec, isLegacyRun, LEGACY_SPEC_FIELDS, RUN_FIELDS } from './run-codec.js';
import { checkLayout, createLedger } from './schema.js';
import * as scripts from './scripts.js';

export type StepAction = 'running' | 'scheduled' | 'succeeded' | 'failed' | 'child' | 'branch';

export interface StepOptionsInput {
  retries?: number;
  retryDelay?: string | number;
}

const runStatusSchema = z.enum(RUN_STATUSES);
const versionStatusSchema = z.enum(['draft', 'active', 'declined']);
const wireSchema = z.looseObject({ type: z.string() });
// Built once: zod schemas are costly to construct, and these run on every transition.
const flagSchema = z.boolean();
const optionalFlagSchema = z.boolean().optional();
const optionalStringSchema = z.string().optional();
const nullableStringSchema = z.string().nullable();
// The parsed value is stored: keepAsGiven keeps the caller's objects (zod's copies drop own "__proto__" keys).
const plannedStepsInputSchema = keepAsGiven(z.array(z.looseObject({ stepName: z.string() }))).optional();
const retryStatusSchema = z.enum(['pending', 'running']);
const sourceSchema = z.string();
const stepOptionsSchema = z
  .object({
    retries: z.number().int().min(0).optional(),
    retryDelay: z.union([z.string(), z.number().min(0)]).optional(),
  })
  .loose()
  .optional();

/**
 * Everything both services need: keys, scripts and decoding. One run = one atomic unit
 * (its partition's hash slot); every write is one script, every read one round trip.
 */
export class WorkflowStore {
  readonly keyspace: Keyspace;
  readonly keys: WorkflowKeys;
  private readonly ledger: SchemaLedger;
  private ready: Promise<void> | undefined;

  constructor(
    readonly client: RedisClient,
    readonly options: ResolvedStoreOptions,
  ) {
    this.keyspace = new Keyspace(options.keyPrefix);
    this.keys = new WorkflowKeys(this.keyspace, options.partitions);
    this.ledger = createLedger(client, this.keyspace, this.keys);
  }

  async ensureSchema(): Promise<EnsureSchemaResult> {
    const result = await this.ledger.ensure();
    await checkLayout(this.client, this.keys);
    return result;
  }

  /** Operations run `ensureSchema()` lazily once per instance; a failure is retried next call. */
  ensureOnce(): Promise<void> {
    if (!this.ready) {
      this.ready = this.ensureSchema().then(
        () => undefined,
        (error: unknown) => {
          this.ready = undefined;
          throw error;
        },
      );
    }
    return this.ready;
  }

  // ---- runs ----

  async createRun(
    workflowName: string,
    input: unknown,
    inline: boolean,
    graphHash: string,
    wire: WorkflowRunWire,
    options?: { deterministic?: boolean; plannedSteps?: WorkflowPlannedStep[] },
  ): Promise<string> {
    const name = parseInput(idSchema, workflowName, 'workflow name');
    parseInput(flagSchema, inline, 'inline flag');
    parseInput(optionalStringSchema, graphHash, 'graph hash');
    parseInput(wireSchema, wire, 'workflow wire');
    const planned = parseInput(plannedStepsInputSchema, options?.plannedSteps, 'planned steps');
    const deterministic = parseInput(optionalFlagSchema, options?.deterministic, 'deterministic flag');
    const inputJson = optionalJson(input, 'workflow input');
    const spec = encodeRunSpec({
      inline,
      wire: toJson(wire, 'workflow wire'),
      plannedSteps: optionalJson(planned, 'planned steps'),
      graphHash: graphHash ?? '',
      deterministic,
    });
    await this.ensureOnce();
    const runId = newRunId(name);
    const digest = workflowDigest(name);
    const idx = this.keys.indexesOfRun(runId);
    await scripts.createRun.run(
      this.client,
      [
        this.keys.run(runId).run,
        idx.all,
        idx.status('running'),
        idx.workflow(digest),
        idx.workflowStatus(digest, 'running'),
        idx.names,
        idx.counts,
        idx.stalled,
      ],
      [runId, name, digest, spec, inputJson],
    );
    return runId;
  }

  getRun(id: string): Promise<WorkflowRun | null> {
    if (!parseRunId(id)) return Promise.resolve(null);
    const key = this.keys.runHash(id);
    return readMapped(
      () => this.client.hmget(key, ...RUN_FIELDS),
      (values) => (isLegacyRun(values) ? this.getLegacyRun(id, key, values) : decodeRunValues(id, values)),
    );
  }

  /** A run stored before `002-run-spec`: its creation fields are read in a second command. */
  private async getLegacyRun(id: string, key: string, values: ReadonlyArray<string | null>): Promise<WorkflowRun | null> {
    const legacy = await this.call(() => this.client.hmget(key, ...LEGACY_SPEC_FIELDS));
    // Creation fields never change; all of them gone means the run was deleted in between.
    if (legacy.every((v) => v === null)) return null;
    return decodeRunValues(id, values, legacy);
  }

  /** Returns false when a terminal status was repeated (kept as it was). */
  async updateRunStatus(id: string, status: WorkflowStatus, output?: unknown, error?: SerializedError): Promise<boolean> {
    const run = this.requireRunId(id);
    const target = parseInput(runStatusSchema, status, 'run status');
    const args = [target, optionalJson(output, 'run output'), optionalJson(error, 'run error'), this.options.finishedRunTtlMs];
    await this.ensureOnce();
    const keys = this.keys.run(id);
    const idx = this.keys.indexesOfRun(id);
    const written = await scripts.runStatus.run(
      this.client,
      [
        keys.run,
        keys.steps,
        keys.current,
        keys.state,
        ...RUN_STATUSES.map((s) => idx.status(s)),
        ...RUN_STATUSES.map((s) => idx.workflowStatus(run.digest, s)),
        idx.stalled,
        idx.pending,
      ],
      [...args, id],
    );
    return written === 1;
  }

  async deleteRun(id: string): Promise<boolean> {
    const run = parseRunId(id);
    if (!run) return false;
    await this.ensureOnce();
    const keys = this.keys.run(id);
    const idx = this.keys.indexesOfRun(id);
    const deleted = await scripts.deleteRun.run(
      this.client,
      [
        keys.run,
        keys.steps,
        keys.current,
        keys.state,
        idx.all,
        ...RUN_STATUSES.map((s) => idx.status(s)),
        idx.workflow(run.digest),
        ...RUN_STATUSES.map((s) => idx.workflowStatus(run.digest, s)),
        idx.names,
        idx.counts,
        idx.stalled,
        idx.pending,
      ],
      [run.digest, id],
    );
    return deleted === 1;
  }

  async updateRunState(runId: string, name: string, value: unknown): Promise<void> {
    this.requireRunId(runId);
    const field = parseInput(idSchema, name, 'run state name');
    const json = toJson(value, `run state ${field}`);
    await this.ensureOnce();
    const keys = this.keys.run(runId);
    await scripts.runState.run(this.client, [keys.run, keys.state], [field, json]);
  }

  async getRunState(runId: string): Promise<Record<string, unknown>> {
    if (!parseRunId(runId)) return {};
    const hash = await this.call(() => this.client.hgetall(this.keys.run(runId).state));
    const out: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(hash)) setOwn(out, name, parseStoredJson(raw, `run state ${name} of ${runId}`));
    return out;
  }

  // ---- steps ----

  async insertStep(
    runId: string,
    stepName: string,
    rpcName: string | null,
    data: unknown,
    stepOptions?: StepOptionsInput,
    fromStepName?: string,
  ): Promise<StepRecord> {
    this.requireRunId(runId);
    const name = parseInput(idSchema, stepName, 'step name');
    const rpc = parseInput(nullableStringSchema, rpcName ?? null, 'rpc name');
    const opts = parseInput(stepOptionsSchema, stepOptions, 'step options');
    const from = parseInput(optionalStringSchema, fromStepName ?? undefined, 'from-step name');
    const args = [
      name,
      toJson(rpc, 'rpc name'),
      optionalJson(data, 'step data'),
      optionalJson(opts?.retries, 'retries'),
      optionalJson(opts?.retryDelay, 'retry delay'),
      optionalJson(from, 'from-step name'),
    ];
    await this.ensureOnce();
    const keys = this.keys.run(runId);
    const idx = this.keys.indexesOfRun(runId);
    const { seq, at } = await scripts.stepInsert.run(
      this.client,
      [keys.run, keys.steps, keys.current, idx.stalled, idx.pending],
      [...args, runId],
    );
    const created = new Date(at);
    const step: StepRecord = {
      stepId: stepIdOf(runId, seq),
      stepName: name,
      status: 'pending',
      rpcName: rpc,
      attemptCount: 1,
      createdAt: created,
      updatedAt: created,
    };
    if (opts?.retries !== undefined) step.retries = opts.retries;
    if (opts?.retryDelay !== undefined) step.retryDelay = opts.retryDelay;
    if (from !== undefined) step.fromStepName = from;
    return step;
  }

  async getStep(runId: string, stepName: string): Promise<StepRecord | null> {
    if (!parseRunId(runId)) return null;
    const name = parseInput(idSchema, stepName, 'step name');
    const keys = this.keys.run(runId);
    const stored = await scripts.stepGet.run(this.client, [keys.current, keys.steps], [name]);
    if (!stored) return null;
    const { data: _data, ...step } = decodeAttempt(runId, stored.seq, stored.fields).step;
    return step;
  }

  async setStep(stepId: string, action: StepAction, value: string): Promise<void> {
    const step = this.requireStepId(stepId);
    await this.ensureOnce();
    const keys = this.keys.run(step.runId);
    const idx = this.keys.indexesOfRun(step.runId);
    await scripts.stepSet.run(this.client, [keys.run, keys.steps, idx.stalled, idx.pending], [step.seq, action, value, step.runId]);
  }

  async retryStep(failedStepId: string, status: 'pending' | 'running'): Promise<StepRecord> {
    const step = this.requireStepId(failedStepId);
    const next = parseInput(retryStatusSchema, status, 'retry status');
    await this.ensureOnce();
    const keys = this.keys.run(step.runId);
    const idx = this.keys.indexesOfRun(step.runId);
    const stored = await scripts.stepRetry.run(
      this.client,
      [keys.run, keys.steps, keys.current, idx.stalled, idx.pending],
      [step.seq, next, step.runId],
    );
    if (!stored) throw new NotFoundError(`step attempt ${failedStepId} not found`);
    const { data: _data, ...created } = decodeAttempt(step.runId, stored.seq, stored.fields).step;
    return created;
  }

  /** Every attempt of every step, in the order they were created. */
  async history(runId: string): Promise<DecodedAttempt[]> {
    if (!parseRunId(runId)) return [];
    const hash = await this.call(() => this.client.hgetall(this.keys.run(runId).steps));
    return decodeAttempts(runId, hash);
  }

  /** The current attempt of each step name (one round trip). */
  async current(runId: string): Promise<DecodedAttempt[]> {
    if (!parseRunId(runId)) return [];
    const keys = this.keys.run(runId);
    const batch = new Batch(this.client);
    const current = batch.command('hgetall', [keys.current], asHash);
    const steps = batch.command('hgetall', [keys.steps], asHash);
    const results = await batch.exec();
    return currentAttempts(runId, results.get(current), decodeAttempts(runId, results.get(steps)));
  }

  // ---- versions ----

  async upsertVersion(name: string, graphHash: string, graph: unknown, source: string, status?: WorkflowVersionStatus): Promise<void> {
    const n = parseInput(idSchema, name, 'workflow name');
    const h = parseInput(idSchema, graphHash, 'graph hash');
    const src = parseInput(sourceSchema, source ?? '', 'version source');
    const st = parseInput(versionStatusSchema, status ?? 'active', 'version status');
    const json = toJson(graph, 'workflow graph');
    await this.ensureOnce();
    await scripts.versionUpsert.run(this.client, [this.keys.version(n, h)], [json, src, st]);
  }

  async updateVersionStatus(name: string, graphHash: string, status: WorkflowVersionStatus): Promise<void> {
    const n = parseInput(idSchema, name, 'workflow name');
    const h = parseInput(idSchema, graphHash, 'graph hash');
    const st = parseInput(versionStatusSchema, status, 'version status');
    await this.ensureOnce();
    await scripts.versionStatus.run(this.client, [this.keys.version(n, h)], [st]);
  }

  async getVersion(name: string, graphHash: string): Promise<{ graph: unknown; source: string } | null> {
    const n = parseInput(idSchema, name, 'workflow name');
    const h = parseInput(idSchema, graphHash, 'graph hash');
    const [graph, source] = await this.call(() => this.client.hmget(this.keys.version(n, h), 'graph', 'source'));
    if (graph === null || graph === undefined) return null;
    const what = `workflow version ${n}@${h}`;
    return { graph: parseStoredJson(graph, what), source: parseStored(sourceSchema, source, `${what} source`) };
  }

  runKeys(runId: string): RunKeys {
    return this.keys.run(runId);
  }

  call<T>(fn: () => Promise<T>): Promise<T> {
    return withMappedErrors(fn);
  }

  private requireRunId(runId: string): ParsedRunId {
    const parsed = parseRunId(runId);
    if (!parsed) {
      if (typeof runId !== 'string') throw new ValidationError('run id must be a string');
      throw new NotFoundError(`workflow run ${runId} not found`, { details: { runId } });
    }
    return parsed;
  }

  private requireStepId(stepId: string): ParsedStepId {
    const parsed = parseStepId(stepId);
    if (!parsed) throw new ValidationError(`${JSON.stringify(stepId)} is not a step id issued by this store`, { details: { stepId } });
    return parsed;
  }
}
