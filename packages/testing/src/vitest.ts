import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { HarnessError } from './harness-error.js';
import { testPrefix } from './prefix.js';
import type { ClusterNodeAddress } from './start-cluster.js';

export interface TestRedis {
  /** A connection opened before the file's tests and closed after them. */
  readonly client: Redis;
  readonly url: string;
  /** A prefix unique to this test file. */
  readonly prefix: string;
  /** Another connection (closed after the file). */
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

function redisUrl(): string {
  const url = inject('redstate:redisUrl');
  if (!url) {
    throw new HarnessError(
      'no test Redis: add "@redstate/testing/vitest-global-setup" to globalSetup in your vitest config',
    );
  }
  return url;
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

/**
 * Registers beforeAll/afterAll hooks that connect to the run's shared Redis with a
 * prefix unique to this file. Access `client` inside tests or hooks, not at import time.
 */
export function useTestRedis(label = 't'): TestRedis {
  const opened: Redis[] = [];
  let main: Redis | undefined;
  const prefix = testPrefix(label);
  const connect = (options: RedisOptions = {}) => {
    const client = new Redis(redisUrl(), { maxRetriesPerRequest: 3, ...options });
    client.on('error', () => {});
    opened.push(client);
    return client;
  };
  beforeAll(async () => {
    main = connect();
    await main.ping();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    get client() {
      if (!main) throw new HarnessError('useTestRedis().client is only available inside tests and hooks');
      return main;
    },
    get url() {
      return redisUrl();
    },
    prefix,
    connect,
    newPrefix: (l = label) => testPrefix(l),
  };
}

/** Like {@link useTestRedis}, for the run's local 3-master cluster. */
export function useTestCluster(label = 'c'): TestCluster {
  const opened: Cluster[] = [];
  let main: Cluster | undefined;
  const prefix = testPrefix(label);
  const connect = (options: ClusterOptions = {}) => {
    const nodes = clusterNodes();
    const client = new Cluster(
      nodes.map((n) => ({ host: n.host, port: n.port })),
      { redisOptions: { maxRetriesPerRequest: 3 }, ...options },
    );
    client.on('error', () => {});
    opened.push(client);
    return client;
  };
  beforeAll(async () => {
    if (!hasTestCluster()) return;
    main = connect();
    await main.ping();
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    get client() {
      if (!main) throw new HarnessError('useTestCluster().client is only available inside tests and hooks');
      return main;
    },
    get nodes() {
      return clusterNodes();
    },
    prefix,
    connect,
    newPrefix: (l = label) => testPrefix(l),
  };
}
