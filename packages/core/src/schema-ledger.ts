import { randomUUID } from 'node:crypto';
import type { RedisClient } from './client.js';
import { ledgerExtend, ledgerRecord, ledgerUnlock } from './core-scripts.js';
import { RedisUnavailableError, SchemaTooNewError, ValidationError } from './errors.js';
import type { Keyspace } from './keyspace.js';
import { withMappedErrors } from './script-errors.js';

export interface MigrationContext {
  readonly client: RedisClient;
  readonly keyspace: Keyspace;
}

/**
 * One step of a package's key layout. Ids are stable (`001-initial`); the list is
 * append-only: never edit, remove or reorder an entry that has shipped.
 * `up` must be idempotent: it may run again if a process dies before recording it.
 */
export interface Migration {
  readonly id: string;
  readonly description: string;
  up(context: MigrationContext): Promise<void>;
}

export interface SchemaLedgerOptions {
  /** Ledger name, usually the package (`locks`, `hitl`, ...). One ledger per namespace and prefix. */
  readonly namespace: string;
  readonly keyspace: Keyspace;
  readonly migrations: readonly Migration[];
  /** Version written into each ledger record, for operators. */
  readonly version: string;
  /** How long the migration lock lives without being extended. Default 30 s. */
  readonly lockTtlMs?: number;
  /** How long to wait for another process's migration before failing. Default 60 s. */
  readonly waitMs?: number;
  /**
   * Migration ids already applied by an earlier ledger format (e.g. a predecessor
   * package). Read under the lock and recorded before pending migrations run.
   */
  readonly importApplied?: (context: MigrationContext) => Promise<readonly string[]>;
}

export interface SchemaStatus {
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  /** Ids in the ledger this version does not know: written by a newer version. */
  readonly unknown: readonly string[];
}

export interface EnsureSchemaResult {
  /** Migrations this call applied, in order (empty when already current). */
  readonly applied: readonly string[];
  /** Every migration id now recorded. */
  readonly current: readonly string[];
}

const MIGRATION_ID = /^\d{3}-[a-z0-9-]+$/;

/** The per-package migration ledger behind every `ensureSchema()`. */
export class SchemaLedger {
  readonly ledgerKey: string;
  readonly lockKey: string;
  private readonly lockTtlMs: number;
  private readonly waitMs: number;
  private ready: Promise<EnsureSchemaResult> | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly options: SchemaLedgerOptions,
  ) {
    const ids = new Set<string>();
    for (const m of options.migrations) {
      if (!MIGRATION_ID.test(m.id)) throw new ValidationError(`migration id ${m.id} must look like 001-name`);
      if (ids.has(m.id)) throw new ValidationError(`duplicate migration id ${m.id}`);
      ids.add(m.id);
    }
    const unit = options.keyspace.unit('schema', options.namespace);
    this.ledgerKey = unit.key('ledger');
    this.lockKey = unit.key('lock');
    this.lockTtlMs = options.lockTtlMs ?? 30_000;
    this.waitMs = options.waitMs ?? 60_000;
  }

  async status(): Promise<SchemaStatus> {
    const recorded = await this.recorded();
    const known = this.options.migrations.map((m) => m.id);
    return {
      applied: known.filter((id) => recorded.has(id)),
      pending: known.filter((id) => !recorded.has(id)),
      unknown: [...recorded].filter((id) => !known.includes(id)),
    };
  }

  /**
   * Applies pending migrations in order under a short lock and returns what it applied.
   * Safe with many processes at once. Refuses a ledger from a newer version
   * (SchemaTooNewError, nothing written). A failure is not remembered: call again to retry.
   */
  async ensure(): Promise<EnsureSchemaResult> {
    const first = await this.status();
    this.refuseUnknown(first);
    if (first.pending.length === 0) return { applied: [], current: first.applied };

    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      const acquired = await this.call(() => this.client.set(this.lockKey, token, 'PX', this.lockTtlMs, 'NX'));
      if (acquired === 'OK') break;
      const now = await this.status();
      this.refuseUnknown(now);
      if (now.pending.length === 0) return { applied: [], current: now.applied };
      if (Date.now() > deadline) {
        throw new RedisUnavailableError(
          `timed out after ${this.waitMs} ms waiting for another process to finish migrating ${this.options.namespace}`,
        );
      }
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
    }

    const keepAlive = setInterval(() => {
      ledgerExtend.run(this.client, [this.lockKey], [token, this.lockTtlMs]).catch(() => {});
    }, Math.max(100, Math.floor(this.lockTtlMs / 3)));
    keepAlive.unref();
    try {
      return await this.migrateLocked(token);
    } finally {
      clearInterval(keepAlive);
      await ledgerUnlock.run(this.client, [this.lockKey], [token]).catch(() => {});
    }
  }

  /** Like {@link ensure}, but remembers success so later calls cost nothing. */
  ensureOnce(): Promise<EnsureSchemaResult> {
    if (!this.ready) {
      this.ready = this.ensure().catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    }
    return this.ready;
  }

  private async migrateLocked(token: string): Promise<EnsureSchemaResult> {
    const context: MigrationContext = { client: this.client, keyspace: this.options.keyspace };
    let status = await this.status();
    this.refuseUnknown(status);
    if (this.options.importApplied && status.pending.length > 0) {
      const legacy = new Set(await this.options.importApplied(context));
      for (const id of status.pending) {
        if (legacy.has(id)) await this.record(token, id, 'imported');
      }
      status = await this.status();
    }
    const applied: string[] = [];
    for (const migration of this.options.migrations) {
      if (!status.pending.includes(migration.id)) continue;
      await migration.up(context);
      await this.record(token, migration.id, 'applied');
      applied.push(migration.id);
    }
    const final = await this.status();
    return { applied, current: final.applied };
  }

  private async record(token: string, id: string, how: 'applied' | 'imported'): Promise<void> {
    const entry = JSON.stringify({ at: new Date().toISOString(), version: this.options.version, how });
    await ledgerRecord.run(this.client, [this.ledgerKey, this.lockKey], [token, id, entry, this.lockTtlMs]);
  }

  private refuseUnknown(status: SchemaStatus): void {
    if (status.unknown.length === 0) return;
    throw new SchemaTooNewError(
      `the ${this.options.namespace} schema in Redis has migrations this version does not know ` +
        `(${status.unknown.join(', ')}): it was written by a newer version. Upgrade this package; nothing was changed.`,
      { details: { namespace: this.options.namespace, unknown: status.unknown } },
    );
  }

  private async recorded(): Promise<Set<string>> {
    const fields = await this.call(() => this.client.hkeys(this.ledgerKey));
    return new Set(fields);
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withMappedErrors(fn);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
