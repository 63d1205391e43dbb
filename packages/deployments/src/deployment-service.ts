import type { DeploymentConfig, DeploymentService, DeploymentServiceConfig } from '@pikku/core/services';
import { getAllFunctionNames } from '@pikku/core';
import { buildRemoteHeaders } from '@pikku/core/remote';
import {
  type ClientHandle,
  type EnsureSchemaResult,
  escapeKeyPart,
  idSchema,
  Keyspace,
  parseInput,
  type RedisClient,
  resolveClient,
  SchemaLedger,
  toJson,
  ValidationError,
} from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';
import { DeploymentInvokeError, DeploymentStateError, NoLiveDeploymentError } from './errors.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { type DeploymentKeys, deploymentKeys } from './keys.js';
import { configSchema, optionsSchema, type RedisDeploymentServiceOptions } from './options.js';
import type { LiveDeployment } from './replies.js';
import { DEPLOYMENTS_NAMESPACE, deploymentMigrations } from './schema.js';
import { findFunctionScript, heartbeatScript, listLiveScript, sweepExpiredScript, unregisterScript } from './scripts.js';

const startSchema = z.object({
  deploymentId: idSchema,
  endpoint: z.string().min(1).max(4096),
  functions: z.array(idSchema).max(100_000).optional(),
});
const pageSchema = z.strictObject({
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});
const functionNamesSchema = z.array(idSchema);
const sweepLimitSchema = z.number().int().min(1).max(100_000);

/**
 * Pikku `DeploymentService` on Redis. `start` registers the deployment's endpoint and
 * functions and heartbeats every `heartbeatInterval`; the entry carries a server-time
 * expiry `heartbeatTtl` ahead, so a crashed process leaves the live set within that TTL.
 */
export class RedisDeploymentService implements DeploymentService {
  readonly heartbeatInterval: number;
  readonly heartbeatTtl: number;
  readonly keyPrefix: string;
  private readonly handle: ClientHandle;
  private readonly keys: DeploymentKeys;
  private readonly ledger: SchemaLedger;
  private readonly options: RedisDeploymentServiceOptions;
  private readonly sweepLimit: number;
  private current: { deploymentId: string; endpoint: string; functions: string[] } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating: Promise<unknown> | undefined;
  private nextTarget = 0;

  constructor(config: DeploymentServiceConfig, client: RedisClient | RedisOptions | string, options: RedisDeploymentServiceOptions = {}) {
    const cfg = parseInput(configSchema, config ?? {}, 'deployment service config');
    this.options = parseInput(optionsSchema, options, 'RedisDeploymentService options') as RedisDeploymentServiceOptions;
    this.heartbeatInterval = cfg.heartbeatInterval ?? 10_000;
    this.heartbeatTtl = cfg.heartbeatTtl ?? 30_000;
    if (this.heartbeatTtl <= this.heartbeatInterval) {
      throw new ValidationError(
        `heartbeatTtl (${this.heartbeatTtl} ms) must be greater than heartbeatInterval (${this.heartbeatInterval} ms)`,
      );
    }
    const keyspace = new Keyspace(this.options.keyPrefix ?? 'redstate:deployments');
    this.keyPrefix = keyspace.prefix;
    this.sweepLimit = this.options.sweepLimit ?? 32;
    this.handle = resolveClient(client);
    this.keys = deploymentKeys(keyspace);
    this.ledger = new SchemaLedger(this.handle.client, {
      namespace: DEPLOYMENTS_NAMESPACE,
      keyspace,
      migrations: deploymentMigrations,
      version: PACKAGE_VERSION,
    });
  }

  get client(): RedisClient {
    return this.handle.client;
  }

  get deploymentId(): string | undefined {
    return this.current?.deploymentId;
  }

  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensure();
  }

  async init(): Promise<void> {
    await this.ledger.ensureOnce();
  }

  /** Registers this deployment and starts heartbeating. Functions default to every Pikku function loaded. */
  async start(config: DeploymentConfig): Promise<void> {
    const input = parseInput(startSchema, config, 'deployment config');
    if (this.current) {
      throw new DeploymentStateError(`deployment ${this.current.deploymentId} is already started; call stop() first`);
    }
    const functions = [...new Set(input.functions ?? getAllFunctionNames())];
    parseInput(functionNamesSchema, functions, 'function names');
    await this.ledger.ensureOnce();
    const current = { deploymentId: input.deploymentId, endpoint: input.endpoint, functions };
    await this.beat('start', current);
    this.current = current;
    this.timer = setInterval(() => {
      if (this.beating) return;
      this.beating = this.heartbeat()
        .catch((error: unknown) => this.options.onHeartbeatError?.(error))
        .finally(() => {
          this.beating = undefined;
        });
    }, this.heartbeatInterval);
    this.timer.unref();
  }

  /** Sends one heartbeat now (the timer does this every `heartbeatInterval`). */
  async heartbeat(): Promise<void> {
    const current = this.current;
    if (!current) throw new DeploymentStateError('heartbeat() needs a started deployment');
    await this.beat('beat', current);
  }

  /** Stops heartbeating and removes this deployment from the live set. Never closes a client it did not create. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    const current = this.current;
    this.current = undefined;
    if (current) await unregisterScript.run(this.client, this.keys.all, [escapeKeyPart(current.deploymentId)]);
  }

  /** Closes the connection when this service created it (URL or options). */
  async close(): Promise<void> {
    await this.stop();
    await this.handle.close();
  }

  /** Live deployments serving a function, read from the function index in one round trip. */
  async findFunction(funcName: string): Promise<LiveDeployment[]> {
    const name = parseInput(idSchema, funcName, 'function name');
    await this.ledger.ensureOnce();
    return findFunctionScript.run(this.client, this.keys.all, [escapeKeyPart(name)]);
  }

  /** One page of the live set (ordered by expiry). */
  async listLive(page: { offset?: number; limit?: number } = {}): Promise<LiveDeployment[]> {
    const p = parseInput(pageSchema, page, 'page');
    await this.ledger.ensureOnce();
    return listLiveScript.run(this.client, this.keys.all, [p.offset ?? 0, p.limit ?? 100]);
  }

  /** Removes up to `limit` expired deployments; heartbeats do this too. */
  async sweepExpired(limit = 1000): Promise<number> {
    const n = parseInput(sweepLimitSchema, limit, 'limit');
    await this.ledger.ensureOnce();
    return sweepExpiredScript.run(this.client, this.keys.all, [n]);
  }

  /**
   * Calls `funcName` on a live deployment that serves it (round robin), as
   * `POST <endpoint>/remote/rpc/<funcName>` with Pikku's remote headers.
   */
  async invoke(funcName: string, data: unknown, session?: unknown, traceId?: string): Promise<unknown> {
    const name = parseInput(idSchema, funcName, 'function name');
    const body = toJson({ rpcName: name, data }, 'invoke data');
    const targets = await this.findFunction(name);
    if (targets.length === 0) throw new NoLiveDeploymentError(name);
    const target = targets[this.nextTarget++ % targets.length]!;
    const headers = await buildRemoteHeaders(this.options.jwt, this.options.secrets, name, session, traceId);
    const url = `${target.endpoint.replace(/\/+$/, '')}/remote/rpc/${encodeURIComponent(name)}`;
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers: { accept: 'application/json', ...headers }, body });
    } catch (cause) {
      throw new DeploymentInvokeError(`invoke ${name} on ${target.deploymentId} failed: ${String(cause)}`, {
        cause,
        details: { funcName: name, deploymentId: target.deploymentId, endpoint: target.endpoint },
      });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new DeploymentInvokeError(`invoke ${name} on ${target.deploymentId} returned HTTP ${res.status}`, {
        details: { funcName: name, deploymentId: target.deploymentId, status: res.status, body: text.slice(0, 300) },
      });
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new DeploymentInvokeError(`invoke ${name} on ${target.deploymentId} returned a non-JSON body`, { cause });
    }
  }

  private async beat(mode: 'start' | 'beat', current: { deploymentId: string; endpoint: string; functions: string[] }): Promise<number> {
    return heartbeatScript.run(this.client, this.keys.all, [
      this.heartbeatTtl,
      this.sweepLimit,
      mode,
      escapeKeyPart(current.deploymentId),
      current.endpoint,
      ...current.functions.map(escapeKeyPart),
    ]);
  }
}
