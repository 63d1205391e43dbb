import { afterAll, describe, expect, it } from 'vitest';
import { HarnessError, type RedisServerHandle, startRedis, testPrefix } from '../src/index.js';
import { hasTestCluster, useTestCluster, useTestRedis } from '../src/vitest.js';

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
  const redis = useTestRedis('harness');

  it('give each file its own prefix and a working connection', async () => {
    expect(redis.prefix).toMatch(/^harness-[0-9a-f]{12}$/);
    expect(redis.newPrefix()).not.toBe(redis.prefix);
    expect(testPrefix('a b/c')).toMatch(/^a-b-c-/);
    expect(await redis.client.ping()).toBe('PONG');
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
