import { afterAll, describe, expect, it } from 'vitest';
import { connectTo, HarnessError, type RedisServerHandle, startRedis, testPrefix } from '../src/index.js';
import { Cluster, Redis } from 'ioredis';
import { hasTestCluster, onClusterTarget, testTarget, useTestCluster, useTestRedis } from '../src/vitest.js';

describe('startRedis with a local binary', () => {
  let server: RedisServerHandle | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('starts a throwaway server with AOF and keeps acknowledged writes across kill -9', async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
    expect(server.kind).toBe('local');
    const client = server.connect({ maxRetriesPerRequest: 0, retryStrategy: () => null });
    await client.set('k', 'v');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    client.disconnect();
    await server.kill('SIGKILL');
    await server.start();
    const again = server.connect();
    expect(await again.get('k')).toBe('v');
    await server.restart();
    expect(await again.get('k')).toBe('v');
    again.disconnect();
  });
});

describe('startRedis without any server source', () => {
  it('fails with a message that says how to get Redis', async () => {
    const saved = process.env.REDIS_SERVER_BIN;
    process.env.REDIS_SERVER_BIN = '/nonexistent/redis-server';
    try {
      const error = await startRedis({ useEnv: false, docker: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HarnessError);
      expect((error as Error).message).toContain('apt-get install -y redis-server');
      expect((error as Error).message).toContain('REDIS_URL');
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER_BIN;
      else process.env.REDIS_SERVER_BIN = saved;
    }
  });

  it('uses REDIS_URL when set, and refuses to restart it', async () => {
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://127.0.0.1:6399';
    try {
      const server = await startRedis();
      expect(server.kind).toBe('env');
      expect(server.port).toBe(6399);
      await expect(server.restart()).rejects.toBeInstanceOf(HarnessError);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});

describe('vitest helpers', () => {
  const redis = useTestRedis('harness', { target: 'standalone' });

  it('give each file its own prefix and a working connection', async () => {
    expect(redis.prefix).toMatch(/^harness-[0-9a-f]{12}$/);
    expect(redis.newPrefix()).not.toBe(redis.prefix);
    expect(testPrefix('a b/c')).toMatch(/^a-b-c-/);
    expect(await redis.client.ping()).toBe('PONG');
    expect(redis.target).toBe('standalone');
    expect(redis.client).toBeInstanceOf(Redis);
    expect(redis.endpoint).toBe(redis.url);
    const child = connectTo(redis.endpoint);
    expect(child).toBeInstanceOf(Redis);
    expect(await child.ping()).toBe('PONG');
    child.disconnect();
  });
});

describe('the test target', () => {
  it('comes from REDSTATE_TEST_TARGET and refuses unknown values', () => {
    const saved = process.env.REDSTATE_TEST_TARGET;
    try {
      delete process.env.REDSTATE_TEST_TARGET;
      expect(testTarget()).toBe('standalone');
      process.env.REDSTATE_TEST_TARGET = 'cluster';
      expect(testTarget()).toBe('cluster');
      expect(onClusterTarget()).toBe(true);
      process.env.REDSTATE_TEST_TARGET = 'standalone';
      expect(onClusterTarget()).toBe(false);
      process.env.REDSTATE_TEST_TARGET = 'sentinel';
      expect(() => testTarget()).toThrow(HarnessError);
    } finally {
      if (saved === undefined) delete process.env.REDSTATE_TEST_TARGET;
      else process.env.REDSTATE_TEST_TARGET = saved;
    }
  });
});

describe.runIf(hasTestCluster())('useTestRedis on the cluster target', () => {
  const redis = useTestRedis('harness-ct', { target: 'cluster' });

  it('hands out Cluster clients that spread keys over the masters', async () => {
    expect(redis.target).toBe('cluster');
    expect(redis.client).toBeInstanceOf(Cluster);
    const other = redis.connect({ connectionName: 'harness-ct' });
    expect(other).toBeInstanceOf(Cluster);
    for (let i = 0; i < 20; i++) await redis.client.set(`${redis.prefix}:${i}`, String(i));
    expect(await other.get(`${redis.prefix}:7`)).toBe('7');
    const cluster = redis.client as unknown as Cluster;
    const sizes = await Promise.all(cluster.nodes('master').map((n) => n.dbsize()));
    expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(1);
  });

  it('names the cluster to subprocesses with an endpoint that connectTo() opens', async () => {
    expect(redis.endpoint).toMatch(/^redis-cluster:\/\/127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2}$/);
    await redis.client.set(`${redis.prefix}:via-endpoint`, 'yes');
    const child = connectTo(redis.endpoint);
    try {
      expect(child).toBeInstanceOf(Cluster);
      expect(await child.get(`${redis.prefix}:via-endpoint`)).toBe('yes');
    } finally {
      child.disconnect();
    }
    expect(() => connectTo('redis-cluster://nope')).toThrow(HarnessError);
  });

  it('passes lazyConnect through to the cluster', async () => {
    const lazy = redis.connect({ lazyConnect: true });
    expect(lazy.status).toBe('wait');
    await lazy.connect();
    expect(await lazy.ping()).toBe('PONG');
  });
});

describe.runIf(hasTestCluster())('the local cluster', () => {
  const cluster = useTestCluster('harness');

  it('has three masters that together serve every slot', async () => {
    expect(cluster.client.nodes('master')).toHaveLength(3);
    const info = String(await cluster.client.nodes('master')[0]!.call('CLUSTER', 'INFO'));
    expect(info).toContain('cluster_slots_ok:16384');
    for (let i = 0; i < 20; i++) await cluster.client.set(`${cluster.prefix}:${i}`, String(i));
    const sizes = await Promise.all(cluster.client.nodes('master').map((n) => n.dbsize()));
    expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(1);
  });
});
