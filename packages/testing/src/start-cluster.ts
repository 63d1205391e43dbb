import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { HarnessError, INSTALL_HINT } from './harness-error.js';
import { findRedisServer, freePort, spawnRedis, waitForExit, waitForPing } from './processes.js';

export interface ClusterNodeAddress {
  readonly host: string;
  readonly port: number;
}

export interface RedisClusterHandle {
  readonly nodes: readonly ClusterNodeAddress[];
  /** A new ioredis Cluster client; the caller closes it. */
  connect(options?: ClusterOptions): Cluster;
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  /** Number of masters (no replicas). Default 3. */
  readonly masters?: number;
  readonly args?: readonly string[];
}

const SLOTS = 16384;

/** Starts a local N-master Redis Cluster from the `redis-server` binary (no redis-cli needed). */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const binary = findRedisServer();
  if (!binary) throw new HarnessError(`a local cluster needs the redis-server binary.\n${INSTALL_HINT}`);
  const masters = options.masters ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'redstate-cluster-'));
  const children: ChildProcess[] = [];
  const nodes: ClusterNodeAddress[] = [];
  const admin: Redis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const spawned = spawnRedis(binary, [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--dir', dir,
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '5000',
        '--appendonly', 'yes',
        '--appendfilename', `appendonly-${port}.aof`,
        '--appenddirname', `aof-${port}`,
        '--save', '',
        '--maxmemory-policy', 'noeviction',
        '--protected-mode', 'no',
        ...(options.args ?? []),
      ]);
      children.push(spawned.child);
      await waitForPing(port, spawned.child, spawned.output);
      nodes.push({ host: '127.0.0.1', port });
      const client = new Redis({ port, host: '127.0.0.1' });
      client.on('error', () => {});
      admin.push(client);
    }
    const per = Math.ceil(SLOTS / masters);
    for (let i = 0; i < masters; i++) {
      const client = admin[i]!;
      await client.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1));
      const first = i * per;
      const last = Math.min(SLOTS - 1, first + per - 1);
      await client.call('CLUSTER', 'ADDSLOTSRANGE', String(first), String(last));
    }
    for (let i = 1; i < masters; i++) {
      await admin[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[i]!.port));
    }
    await waitForClusterOk(admin, masters);
  } catch (error) {
    for (const c of children) c.kill('SIGKILL');
    throw error;
  } finally {
    for (const c of admin) c.disconnect();
  }
  return {
    nodes,
    connect: (clusterOptions) => {
      const cluster = new Cluster(
        nodes.map((n) => ({ host: n.host, port: n.port })),
        { redisOptions: { maxRetriesPerRequest: 3 }, ...clusterOptions },
      );
      cluster.on('error', () => {});
      return cluster;
    },
    stop: async () => {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => waitForExit(c)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForClusterOk(admin: Redis[], masters: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const infos = await Promise.all(admin.map((c) => c.call('CLUSTER', 'INFO') as Promise<string>));
    const ok = infos.every(
      (info) =>
        info.includes('cluster_state:ok') &&
        info.includes(`cluster_slots_ok:${SLOTS}`) &&
        info.includes(`cluster_known_nodes:${masters}`),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HarnessError(`local cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
}
