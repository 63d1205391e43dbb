import { type RedisClusterHandle, startRedisCluster } from './start-cluster.js';
import { type RedisServerHandle, startRedis } from './start-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    'redstate:redisUrl': string;
    'redstate:clusterNodes': string;
  }
}

interface Shared {
  server: Promise<RedisServerHandle>;
  cluster: Promise<RedisClusterHandle | null>;
  users: number;
}

// Projects may each run this setup; one process-wide set of servers serves them all.
const KEY = Symbol.for('@redstate/testing/servers');
const registry = globalThis as unknown as Record<symbol, Shared | undefined>;

function wantCluster(): boolean {
  return process.env.REDSTATE_TEST_CLUSTER !== 'off';
}

interface ProjectLike {
  provide(key: 'redstate:redisUrl' | 'redstate:clusterNodes', value: string): void;
}

/**
 * vitest globalSetup: starts one Redis (and, unless REDSTATE_TEST_CLUSTER=off, a local
 * 3-master cluster) for the whole run and provides their addresses to test files.
 */
export default async function setup(project: ProjectLike): Promise<() => Promise<void>> {
  let shared = registry[KEY];
  if (!shared) {
    const server = startRedis();
    const cluster = wantCluster() ? server.then(() => startRedisCluster()) : Promise.resolve(null);
    shared = { server, cluster, users: 0 };
    registry[KEY] = shared;
  }
  shared.users++;
  const server = await shared.server;
  const cluster = await shared.cluster;
  project.provide('redstate:redisUrl', server.url);
  project.provide('redstate:clusterNodes', JSON.stringify(cluster?.nodes ?? []));
  const mine = shared;
  return async () => {
    mine.users--;
    if (mine.users > 0) return;
    registry[KEY] = undefined;
    await Promise.all([server.stop(), cluster?.stop()]);
  };
}
