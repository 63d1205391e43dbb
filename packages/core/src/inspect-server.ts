import type { Redis } from 'ioredis';
import { isCluster, masterNodes, type RedisClient } from './client.js';
import { ServerConfigError } from './errors.js';
import { mapRedisError } from './script-errors.js';

export interface ServerWarning {
  readonly code: 'EVICTION' | 'NO_PERSISTENCE' | 'OLD_VERSION' | 'CLUSTER' | 'UNVERIFIED';
  readonly message: string;
  readonly fix: string;
}

export interface NodeReport {
  readonly address: string;
  readonly version: string;
  readonly clusterEnabled: boolean;
  readonly maxmemory: number | null;
  readonly maxmemoryPolicy: string | null;
  readonly aofEnabled: boolean | null;
  readonly appendfsync: string | null;
  /** RDB save rules (`CONFIG GET save`), null when the server hides CONFIG. */
  readonly rdbSaveRules: string | null;
}

export interface ServerReport {
  /** Lowest version among the nodes inspected. */
  readonly version: string;
  readonly mode: 'standalone' | 'cluster';
  readonly maxmemoryPolicy: string | null;
  readonly persistence: { readonly aof: boolean | null; readonly appendfsync: string | null; readonly rdb: boolean | null };
  readonly nodes: readonly NodeReport[];
  readonly warnings: readonly ServerWarning[];
}

export interface InspectServerOptions {
  /** Throw ServerConfigError on eviction (the store must not lose data). Default false. */
  readonly strict?: boolean;
  /** With `strict`: also throw when neither AOF nor RDB is on. Default false. */
  readonly requirePersistence?: boolean;
  /** With `strict`: throw on Cluster mode (for adapters that only support one shard). Default true. */
  readonly allowCluster?: boolean;
  /** Lowest supported server version. Default 6.2.0. */
  readonly minVersion?: string;
}

function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) map.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return map;
}

async function configGet(node: Redis, name: string): Promise<string | null> {
  try {
    const reply = (await node.config('GET', name)) as unknown;
    if (Array.isArray(reply) && reply.length >= 2) return String(reply[1]);
    return null;
  } catch {
    return null; // managed services often deny CONFIG; INFO is the primary source
  }
}

async function inspectNode(node: Redis): Promise<NodeReport> {
  const info = parseInfo(await node.info());
  const maxmemory = info.get('maxmemory');
  const aof = info.get('aof_enabled');
  return {
    address: `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`,
    version: info.get('redis_version') ?? info.get('valkey_version') ?? '0.0.0',
    clusterEnabled: info.get('cluster_enabled') === '1',
    maxmemory: maxmemory === undefined ? null : Number(maxmemory),
    maxmemoryPolicy: info.get('maxmemory_policy') ?? (await configGet(node, 'maxmemory-policy')),
    aofEnabled: aof === undefined ? null : aof === '1',
    appendfsync: await configGet(node, 'appendfsync'),
    rdbSaveRules: await configGet(node, 'save'),
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Reads version, cluster mode, eviction policy and persistence of every master.
 * With `strict`, settings that can lose data throw a ServerConfigError that says how to fix them.
 */
export async function inspectServer(client: RedisClient, options: InspectServerOptions = {}): Promise<ServerReport> {
  let nodes: NodeReport[];
  try {
    const targets = await masterNodes(client);
    nodes = await Promise.all(targets.map(inspectNode));
  } catch (error) {
    throw mapRedisError(error);
  }
  const cluster = isCluster(client) || nodes.some((n) => n.clusterEnabled);
  const minVersion = options.minVersion ?? '6.2.0';
  const version = nodes.map((n) => n.version).sort(compareVersions)[0] ?? '0.0.0';
  const policies = [...new Set(nodes.map((n) => n.maxmemoryPolicy))];
  const aof = nodes.every((n) => n.aofEnabled === true) ? true : nodes.some((n) => n.aofEnabled === null) ? null : false;
  const rdbKnown = nodes.every((n) => n.rdbSaveRules !== null);
  const rdb = rdbKnown ? nodes.every((n) => (n.rdbSaveRules ?? '').trim() !== '') : null;

  const warnings: ServerWarning[] = [];
  const evicting = policies.filter((p) => p !== null && p !== 'noeviction');
  if (evicting.length > 0) {
    warnings.push({
      code: 'EVICTION',
      message: `maxmemory-policy is ${evicting.join(', ')}: Redis may evict keys under memory pressure and silently lose state`,
      fix: 'set `maxmemory-policy noeviction` (redis.conf, or CONFIG SET maxmemory-policy noeviction and CONFIG REWRITE)',
    });
  }
  if (policies.includes(null)) {
    warnings.push({
      code: 'UNVERIFIED',
      message: 'the eviction policy could not be read (INFO and CONFIG GET both hid it)',
      fix: 'grant INFO or CONFIG GET to this user, or verify `maxmemory-policy noeviction` with your provider',
    });
  }
  if (aof === false && rdb === false) {
    warnings.push({
      code: 'NO_PERSISTENCE',
      message: 'neither AOF nor RDB snapshots are enabled: a server restart loses every key',
      fix: 'set `appendonly yes` (and `appendfsync everysec` or `always`) in redis.conf',
    });
  }
  if (compareVersions(version, minVersion) < 0) {
    warnings.push({
      code: 'OLD_VERSION',
      message: `Redis ${version} is older than the supported minimum ${minVersion}`,
      fix: `upgrade the server to ${minVersion} or newer`,
    });
  }
  if (cluster && options.allowCluster === false) {
    warnings.push({
      code: 'CLUSTER',
      message: 'the server runs in Cluster mode, which this store does not support',
      fix: 'use a standalone or single-shard endpoint',
    });
  }

  const report: ServerReport = {
    version,
    mode: cluster ? 'cluster' : 'standalone',
    maxmemoryPolicy: policies.length === 1 ? (policies[0] ?? null) : policies.join(','),
    persistence: { aof, appendfsync: nodes[0]?.appendfsync ?? null, rdb },
    nodes,
    warnings,
  };

  if (options.strict) {
    const fatal = warnings.filter(
      (w) =>
        w.code === 'EVICTION' ||
        w.code === 'UNVERIFIED' ||
        w.code === 'OLD_VERSION' ||
        w.code === 'CLUSTER' ||
        (w.code === 'NO_PERSISTENCE' && options.requirePersistence === true),
    );
    if (fatal.length > 0) {
      throw new ServerConfigError(
        `unsafe Redis configuration:\n${fatal.map((w) => `- ${w.message}\n  fix: ${w.fix}`).join('\n')}`,
        { details: { warnings: fatal } },
      );
    }
  }
  return report;
}
