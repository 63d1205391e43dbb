import { hasTestCluster, serversOf, useTestCluster, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { inspectServer, ServerConfigError } from '../src/index.js';

describe('inspectServer', () => {
  const redis = useTestRedis('inspect');

  it('reports version, mode, eviction policy and persistence', async () => {
    const report = await inspectServer(redis.client);
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.mode).toBe(redis.target);
    expect(report.maxmemoryPolicy).toBe('noeviction');
    expect(report.persistence.aof).toBe(true);
    expect(report.warnings.filter((w) => w.code === 'EVICTION')).toEqual([]);
    await expect(inspectServer(redis.client, { strict: true })).resolves.toBeDefined();
  });

  it('strict mode throws on an evicting policy, with the fix in the message', async () => {
    // On a cluster, CONFIG SET through the Cluster client would reach one random node: set one node.
    const [admin] = await serversOf(redis.client);
    await admin!.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const report = await inspectServer(redis.client);
      expect(report.warnings.map((w) => w.code)).toContain('EVICTION');
      const error = await inspectServer(redis.client, { strict: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerConfigError);
      expect((error as Error).message).toContain('maxmemory-policy noeviction');
    } finally {
      await admin!.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

describe.runIf(hasTestCluster())('inspectServer on a cluster', () => {
  const cluster = useTestCluster('inspect');

  it('inspects every master and reports cluster mode', async () => {
    const report = await inspectServer(cluster.client);
    expect(report.mode).toBe('cluster');
    expect(report.nodes.length).toBe(3);
    await expect(inspectServer(cluster.client, { strict: true, allowCluster: false })).rejects.toBeInstanceOf(ServerConfigError);
  });

  it('waits for a client that has not loaded its slot map yet instead of seeing no masters', async () => {
    for (const fresh of [cluster.connect(), cluster.connect({ lazyConnect: true })]) {
      expect(fresh.nodes('master')).toHaveLength(0);
      const report = await inspectServer(fresh, { strict: true });
      expect(report.nodes).toHaveLength(3);
      expect(report.version).toMatch(/^[1-9]\d*\.\d+\.\d+/);
    }
  });
});
