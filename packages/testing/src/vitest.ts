import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { clusterEndpoint } from './endpoint.js';
import { HarnessError } from './harness-error.js';
import { testPrefix } from './prefix.js';
import type { ClusterNodeAddress } from './start-cluster.js';

export { keysMatching, monitorServers, type ServerConnection, serverConnections, serversOf } from './nodes.js';

/** Where `useTestRedis()` connects: the run's single server, or the run's local 3-master cluster. */
export type TestTarget = 'standalone' | 'cluster';

export interface UseTestRedisOptions {
  /** Overrides `REDSTATE_TEST_TARGET` for this file (e.g. a suite that must stay on one server). */
  readonly target?: TestTarget;
}

export interface TestRedis {
  /**
   * A connection opened before the file's tests and closed after them.
   *
   * On the cluster target this is an ioredis `Cluster` typed as `Redis`, so suites written for
   * one server run unchanged against a cluster. `Cluster` and `Redis` share the command
   * methods, `duplicate()`, `quit()` and `disconnect()`; server-level calls (CONFIG, INFO,
   * CLIENT, DEBUG, MONITOR, SELECT, FLUSHDB) and `options` differ. Guard tests that need one
   * server with `it.skipIf(onClusterTarget())`.
   */
  readonly client: Redis;
  /**
   * The run's standalone server, on both targets: a URL cannot name a cluster, so tests that
   * hand it to a subprocess or open their own connection from it skip the cluster target.
   */
  readonly url: string;
  /**
   * What to give a subprocess so it reaches the same data as `client`: `url` on the standalone
   * target, `redis-cluster://host:port,...` on the cluster target. Open it with `connectTo()`
   * from '@redstate/testing'.
   */
  readonly endpoint: string;
  /** `'cluster'` when `client` and `connect()` give cluster clients. */
  readonly target: TestTarget;
  /** A prefix unique to this test file. */
  readonly prefix: string;
  /**
   * Another connection (closed after the file). On the cluster target a `Cluster` typed as
   * `Redis`: `options` become its `redisOptions` (`lazyConnect` and `enableOfflineQueue` also
   * apply to the cluster itself).
   */
  connect(options?: RedisOptions): Redis;
  /** A fresh unique prefix, for tests that need their own namespace. */
  newPrefix(label?: string): string;
}

export interface TestCluster {
  readonly client: Cluster;
  readonly nodes: readonly ClusterNodeAddress[];
  readonly prefix: string;
  connect(options?: ClusterOptions): Cluster;
  newPrefix(label?: string): string;
}

const TARGET_ENV = 'REDSTATE_TEST_TARGET';

/**
 * The target of this run: `REDSTATE_TEST_TARGET=cluster` runs every `useTestRedis()` suite on
 * the local 3-master cluster; unset (or `standalone`) keeps the single server.
 */
export function testTarget(): TestTarget {
  const raw = process.env[TARGET_ENV];
  if (raw === undefined || raw === '' || raw === 'standalone') return 'standalone';
  if (raw === 'cluster') return 'cluster';
  throw new HarnessError(`${TARGET_ENV} must be "standalone" or "cluster", got ${JSON.stringify(raw)}`);
}

/** Whether this run targets the cluster (use with `it.skipIf` for tests that need one server). */
export function onClusterTarget(): boolean {
  return testTarget() === 'cluster';
}

function redisUrl(): string {
  const url = inject('redstate:redisUrl');
  if (!url) {
    throw new HarnessError(
      'no test Redis: add "@redstate/testing/vitest-global-setup" to globalSetup in your vitest config',
    );
  }
  return url;
}

/** The nodes of the run's local cluster (e.g. to give a subprocess or CLI a seed node). */
export function testClusterNodes(): ClusterNodeAddress[] {
  return clusterNodes();
}

function clusterNodes(): ClusterNodeAddress[] {
  const raw = inject('redstate:clusterNodes');
  const nodes = raw ? (JSON.parse(raw) as ClusterNodeAddress[]) : [];
  if (nodes.length === 0) {
    throw new HarnessError('no test cluster: the global setup ran with REDSTATE_TEST_CLUSTER=off');
  }
  return nodes;
}

/** Whether the global setup started a cluster (use with `describe.runIf`). */
export function hasTestCluster(): boolean {
  const raw = inject('redstate:clusterNodes');
  return Boolean(raw && raw !== '[]');
}

function openCluster(options: ClusterOptions): Cluster {
  const nodes = clusterNodes();
  const client = new Cluster(
    nodes.map((n) => ({ host: n.host, port: n.port })),
    { ...options, redisOptions: { maxRetriesPerRequest: 3, ...options.redisOptions } },
  );
  client.on('error', () => {});
  return client;
}

function clusterFromRedisOptions(options: RedisOptions): Cluster {
  const { lazyConnect, enableOfflineQueue } = options;
  return openCluster({
    redisOptions: options,
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
  });
}

/**
 * The connections of one test file: `track` records each one opened, the file's main
 * connection opens (and pings) before its tests unless `skip()`, and all close after them.
 */
function useConnections<C extends Redis | Cluster>(what: string, open: () => C, skip: () => boolean = () => false) {
  const opened: (Redis | Cluster)[] = [];
  let main: C | undefined;
  beforeAll(async () => {
    if (skip()) return;
    main = open();
    await main.ping();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    track<T extends Redis | Cluster>(client: T): T {
      opened.push(client);
      return client;
    },
    main(): C {
      if (!main) throw new HarnessError(`${what}.client is only available inside tests and hooks`);
      return main;
    },
  };
}

/**
 * Registers beforeAll/afterAll hooks that connect to the run's shared Redis (or, on the
 * cluster target, the run's local cluster) with a prefix unique to this file. Access
 * `client` inside tests or hooks, not at import time.
 */
export function useTestRedis(label = 't', options: UseTestRedisOptions = {}): TestRedis {
  const target = options.target ?? testTarget();
  const prefix = testPrefix(label);
  const connect = (redisOptions: RedisOptions = {}): Redis => {
    if (target === 'cluster') {
      // Deliberate: a Cluster stands in for a Redis so single-server suites run unchanged.
      return connections.track(clusterFromRedisOptions(redisOptions)) as unknown as Redis;
    }
    const client = new Redis(redisUrl(), { maxRetriesPerRequest: 3, ...redisOptions });
    client.on('error', () => {});
    return connections.track(client);
  };
  const connections = useConnections('useTestRedis()', () => connect());
  return {
    get client() {
      return connections.main();
    },
    get url() {
      return redisUrl();
    },
    get endpoint() {
      return target === 'cluster' ? clusterEndpoint(clusterNodes()) : redisUrl();
    },
    target,
    prefix,
    connect,
    newPrefix: (l = label) => testPrefix(l),
  };
}

/** Like {@link useTestRedis}, for the run's local 3-master cluster. */
export function useTestCluster(label = 'c'): TestCluster {
  const prefix = testPrefix(label);
  const connect = (options: ClusterOptions = {}): Cluster => connections.track(openCluster(options));
  const connections = useConnections('useTestCluster()', () => connect(), () => !hasTestCluster());
  return {
    get client() {
      return connections.main();
    },
    get nodes() {
      return clusterNodes();
    },
    prefix,
    connect,
    newPrefix: (l = label) => testPrefix(l),
  };
}
