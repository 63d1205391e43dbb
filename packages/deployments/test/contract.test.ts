import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyspace, NotFoundError } from '@redstate/core';
import {
  DeploymentInvokeError,
  DeploymentStateError,
  deploymentKeys,
  NoLiveDeploymentError,
  RedisDeploymentService,
} from '../src/index.js';
import { serverNow, waitForServerTime } from './helpers.js';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('RedisDeploymentService contract', () => {
  const redis = useTestRedis('deployments');
  const received: Received[] = [];
  let endpoint = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      if (req.url?.includes('broken')) {
        res.writeHead(500).end('boom');
        return;
      }
      if (req.url?.includes('void')) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: JSON.parse(body) }));
    });
  });
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const service = (prefix: string, config = { heartbeatInterval: 100, heartbeatTtl: 3_000 }) =>
    new RedisDeploymentService(config, redis.client, { keyPrefix: prefix });

  it('start registers, findFunction and listLive see it, stop removes it', async () => {
    const prefix = redis.newPrefix();
    const a = service(prefix);
    const b = service(prefix);
    await a.init();
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: ['f1', 'f2'] });
    await b.start({ deploymentId: 'b:{x}', endpoint: 'http://b', functions: ['f2'] });
    expect((await a.findFunction('f1')).map((d) => d.deploymentId)).toEqual(['a']);
    expect((await a.findFunction('f2')).map((d) => [d.deploymentId, d.endpoint]).sort()).toEqual([
      ['a', 'http://a'],
      ['b:{x}', 'http://b'],
    ]);
    expect(await a.findFunction('f3')).toEqual([]);
    expect((await a.listLive()).length).toBe(2);
    expect((await a.listLive({ limit: 1 })).length).toBe(1);
    expect((await a.listLive({ offset: 1, limit: 5 })).length).toBe(1);
    await a.stop();
    expect((await b.findFunction('f2')).map((d) => d.deploymentId)).toEqual(['b:{x}']);
    expect(await b.findFunction('f1')).toEqual([]);
    await b.stop();
    const k = deploymentKeys(new Keyspace(prefix));
    expect(await redis.client.exists(...k.all)).toBe(0);
  });

  it('heartbeats move the server-time expiry forward', async () => {
    const prefix = redis.newPrefix();
    const a = service(prefix);
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: ['f'] });
    const [first] = await a.listLive();
    await waitForServerTime(redis.client, first!.expiresAt - 3_000 + 20);
    await a.heartbeat();
    const [second] = await a.listLive();
    expect(second!.expiresAt).toBeGreaterThan(first!.expiresAt);
    expect(second!.expiresAt).toBeLessThanOrEqual((await serverNow(redis.client)) + 3_000);
    await a.stop();
  });

  it('an instance whose heartbeats stop disappears after heartbeatTtl, and is swept', async () => {
    const prefix = redis.newPrefix();
    const conn = redis.connect();
    const dead = new RedisDeploymentService({ heartbeatInterval: 100, heartbeatTtl: 400 }, conn, {
      keyPrefix: prefix,
      onHeartbeatError: () => {},
    });
    const alive = service(prefix);
    await dead.start({ deploymentId: 'dead', endpoint: 'http://dead', functions: ['f'] });
    await alive.start({ deploymentId: 'alive', endpoint: 'http://alive', functions: ['f'] });
    const expiresAt = (await alive.listLive()).find((d) => d.deploymentId === 'dead')!.expiresAt;
    conn.disconnect(); // the process "crashes": no more heartbeats from it
    await waitForServerTime(redis.client, expiresAt);
    expect((await alive.findFunction('f')).map((d) => d.deploymentId)).toEqual(['alive']);
    expect((await alive.listLive()).map((d) => d.deploymentId)).toEqual(['alive']);
    // alive's own heartbeats may already have swept it; either way nothing of it is left
    expect(await alive.sweepExpired()).toBeLessThanOrEqual(1);
    const k = deploymentKeys(new Keyspace(prefix));
    expect(await redis.client.zscore(k.live, 'dead')).toBeNull();
    expect(await redis.client.hexists(k.endpoints, 'dead')).toBe(0);
    expect(await redis.client.zrangebylex(k.byId, '[dead:', '(dead;')).toEqual([]);
    await alive.stop();
  });

  it('a heartbeat after the entry was swept registers the deployment again', async () => {
    const prefix = redis.newPrefix();
    const a = service(prefix);
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: ['f'] });
    const k = deploymentKeys(new Keyspace(prefix));
    await redis.client.del(...k.all);
    await a.heartbeat();
    expect((await a.findFunction('f')).map((d) => d.deploymentId)).toEqual(['a']);
    await a.stop();
  });

  it('start twice without stop is a DeploymentStateError', async () => {
    const a = service(redis.newPrefix());
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: [] });
    await expect(a.start({ deploymentId: 'a2', endpoint: 'http://a', functions: [] })).rejects.toBeInstanceOf(DeploymentStateError);
    await a.stop();
    await expect(a.heartbeat()).rejects.toBeInstanceOf(DeploymentStateError);
    await a.stop();
  });

  it('invoke POSTs to a live deployment serving the function and returns its JSON', async () => {
    const prefix = redis.newPrefix();
    const a = service(prefix);
    const caller = service(prefix);
    await a.start({ deploymentId: 'a', endpoint: `${endpoint}/`, functions: ['greet', 'broken', 'void'] });
    received.length = 0;
    const out = await caller.invoke('greet', { name: 'x', list: [] }, undefined, 'trace-1');
    expect(out).toEqual({ echoed: { rpcName: 'greet', data: { name: 'x', list: [] } } });
    expect(received[0]!.url).toBe('/remote/rpc/greet');
    expect(received[0]!.headers['x-request-id']).toBe('trace-1');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(await caller.invoke('void', null)).toBeUndefined();
    const error = await caller.invoke('broken', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentInvokeError);
    expect((error as DeploymentInvokeError).details.status).toBe(500);
    const missing = await caller.invoke('nobody', {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoLiveDeploymentError);
    expect(NotFoundError.isInstance(missing)).toBe(true);
    await a.stop();
    await expect(caller.invoke('greet', {})).rejects.toBeInstanceOf(NoLiveDeploymentError);
  });

  it('invoke spreads calls over live deployments and never picks a dead one', async () => {
    const prefix = redis.newPrefix();
    const hits: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      hits.push(String(input));
      return new Response('1', { status: 200 });
    };
    const caller = new RedisDeploymentService({}, redis.client, { keyPrefix: prefix, fetch: fakeFetch });
    const a = service(prefix);
    const b = service(prefix);
    await a.start({ deploymentId: 'a', endpoint: 'http://a', functions: ['f'] });
    await b.start({ deploymentId: 'b', endpoint: 'http://b', functions: ['f'] });
    for (let i = 0; i < 4; i++) await caller.invoke('f', i);
    expect(new Set(hits.map((h) => new URL(h).host))).toEqual(new Set(['a', 'b']));
    await b.stop();
    hits.length = 0;
    for (let i = 0; i < 3; i++) await caller.invoke('f', i);
    expect(hits.every((h) => h.startsWith('http://a/'))).toBe(true);
    await a.stop();
  });

  it('ensureSchema applies 001-initial once', async () => {
    const a = service(redis.newPrefix());
    expect((await a.ensureSchema()).applied).toEqual(['001-initial']);
    expect((await a.ensureSchema()).applied).toEqual([]);
  });
});
