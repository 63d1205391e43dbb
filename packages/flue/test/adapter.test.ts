import { type DispatchInput, PersistedFormatVersionError } from '@flue/runtime/adapter';
import { RedstateError, SchemaLedger, ValidationError, verifyScripts } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { FlueFormatVersionError, FlueKeys, flueMigrations, flueRedis, flueScripts } from '../src/index.js';
import { dispatch, readyDispatch, serverMs } from './helpers.js';

const redis = useTestRedis('flue-adapter');

async function keysUnder(prefix: string): Promise<string[]> {
  // SCAN only in tests, to look at what the adapter stored.
  return (await keysMatching(redis.client, `${prefix}:*`)).sort();
}

describe('scripts', () => {
  it('every script hash matches what the server computes', async () => {
    expect(await verifyScripts(redis.client, flueScripts)).toEqual([]);
  });
});

describe('migrate and the format stamp', () => {
  it('stamps format_version 1 in {prefix}:meta (Flue’s own field) and records 001-initial', async () => {
    const prefix = redis.newPrefix('m');
    const adapter = flueRedis(redis.client, { keyPrefix: prefix });
    expect(await adapter.ensureSchema()).toMatchObject({ formatStamp: 'stamped', schema: { applied: ['001-initial'] } });
    expect(await redis.client.hgetall(`${prefix}:meta`)).toEqual({ format_version: '1' });
    expect(await adapter.ensureSchema()).toMatchObject({ formatStamp: 'ok', schema: { applied: [] } });
    expect(new FlueKeys('flue').meta).toBe('flue:meta');
  });

  it('adopts a namespace stamped by Flue’s own Redis adapter', async () => {
    const prefix = redis.newPrefix('m');
    await redis.client.hset(`${prefix}:meta`, 'format_version', '1');
    const adapter = flueRedis(redis.client, { keyPrefix: prefix });
    expect(await adapter.ensureSchema()).toMatchObject({ formatStamp: 'ok' });
  });

  it('refuses a newer format with a typed error and writes nothing', async () => {
    const prefix = redis.newPrefix('m');
    await redis.client.hset(`${prefix}:meta`, 'format_version', '2');
    const adapter = flueRedis(redis.client, { keyPrefix: prefix });
    const error = await adapter.migrate().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlueFormatVersionError);
    expect(error).toBeInstanceOf(PersistedFormatVersionError);
    expect(RedstateError.isInstance(error)).toBe(true);
    expect((error as FlueFormatVersionError).storedVersion).toBe('2');
    await expect(adapter.connect()).rejects.toBeInstanceOf(FlueFormatVersionError);
    expect(await keysUnder(prefix)).toEqual([`${prefix}:meta`]);
    expect(await redis.client.hgetall(`${prefix}:meta`)).toEqual({ format_version: '2' });
  });

  it('20 processes migrating at once stamp once and apply 001-initial once', async () => {
    const prefix = redis.newPrefix('m');
    const adapters = Array.from({ length: 20 }, () => flueRedis(redis.connect(), { keyPrefix: prefix }));
    const results = await Promise.all(adapters.map((a) => a.ensureSchema()));
    expect(results.filter((r) => r.formatStamp === 'stamped')).toHaveLength(1);
    expect(results.flatMap((r) => r.schema.applied)).toEqual(['001-initial']);
    const ledger = new SchemaLedger(redis.client, {
      namespace: 'flue',
      keyspace: new FlueKeys(prefix).keyspace,
      migrations: flueMigrations,
      version: 'test',
    });
    expect(await ledger.status()).toMatchObject({ applied: ['001-initial'], pending: [], unknown: [] });
  });
});

describe('options and bad input', () => {
  it('rejects bad options and non-clients with ValidationError', () => {
    expect(() => flueRedis(redis.client, { keyPrefix: 'has space' })).toThrow(ValidationError);
    expect(() => flueRedis(redis.client, { retention: { settledSubmissionsMs: -1 } })).toThrow(ValidationError);
    expect(() => flueRedis({} as never)).toThrow(ValidationError);
  });

  it('rejects bad store input with ValidationError and writes nothing', async () => {
    const prefix = redis.newPrefix('bad');
    const stores = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const before = await keysUnder(prefix);
    await expect(stores.submissionStore.admitDispatch(dispatch({ submissionId: '' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(stores.submissionStore.admitDispatch(dispatch({ acceptedAt: 'yesterday' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(
      stores.submissionStore.claimSubmission({ submissionId: 'x', attemptId: 'a', ownerId: 'o', leaseExpiresAt: -5 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(stores.conversationStreamStore.createStream('', { agentName: 'a', instanceId: 'b' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(stores.conversationStreamStore.read('agents/a/b', { offset: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
    expect(await keysUnder(prefix)).toEqual(before);
  });

  it('keeps odd ids apart and every key under the prefix in one slot per unit', async () => {
    const prefix = redis.newPrefix('ids');
    const { submissionStore } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const odd = ['a:b', 'a{b}', 'a*b?', 'ü ñ 🎉', 'a%3Ab'];
    for (const [i, id] of odd.entries()) await readyDispatch(submissionStore, { submissionId: id, id: `inst-${id}`, agent: `ag:${i}` });
    for (const id of odd) expect((await submissionStore.getSubmission(id))?.submissionId).toBe(id);
    expect((await submissionStore.listRunnableSubmissions()).map((s) => s.submissionId)).toEqual(odd);
    const keys = await keysUnder(prefix);
    for (const key of keys) expect(key.startsWith(`${prefix}:`)).toBe(true);
    expect(keys.filter((k) => !k.startsWith(`${prefix}:{flue}:`) && !k.startsWith(`${prefix}:{schema:flue}:`))).toEqual([
      `${prefix}:meta`,
    ]);
  });
});

describe('atomic steps under concurrency', () => {
  it('20 connections racing to claim one submission: exactly one wins', async () => {
    const prefix = redis.newPrefix('race');
    await readyDispatch((await flueRedis(redis.client, { keyPrefix: prefix }).connect()).submissionStore);
    const stores = await Promise.all(
      Array.from({ length: 20 }, () => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const claims = await Promise.all(
      stores.map((s, i) =>
        s.submissionStore.claimSubmission({ submissionId: 'dispatch-1', attemptId: `a${i}`, ownerId: `o${i}`, leaseExpiresAt: Date.now() + 30_000 }),
      ),
    );
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    expect((await stores[0]!.submissionStore.getSubmission('dispatch-1'))?.attemptCount).toBe(1);
  });

  it('racing admissions of one id store one row; racing aborts and claims never lose a stamp', async () => {
    const prefix = redis.newPrefix('race');
    const stores = await Promise.all(
      Array.from({ length: 10 }, () => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const admissions = await Promise.all(stores.map((s) => s.submissionStore.admitDispatch(dispatch())));
    expect(new Set(admissions.map((a) => (a.kind === 'submission' ? a.submission.sequence : -1)))).toEqual(new Set([1]));
    const store = stores[0]!.submissionStore;
    await store.markSubmissionCanonicalReady('dispatch-1');
    for (let i = 2; i <= 6; i++) await readyDispatch(store, { submissionId: `dispatch-${i}` });
    const sessionKey = (await store.getSubmission('dispatch-1'))!.sessionKey;
    const [aborted] = await Promise.all([
      stores[1]!.submissionStore.requestSessionAbort(sessionKey),
      stores[2]!.submissionStore.claimSubmission({ submissionId: 'dispatch-1', attemptId: 'a', ownerId: 'o', leaseExpiresAt: Date.now() + 30_000 }),
    ]);
    expect(aborted.sort()).toEqual(['dispatch-1', 'dispatch-2', 'dispatch-3', 'dispatch-4', 'dispatch-5', 'dispatch-6']);
    for (let i = 1; i <= 6; i++) expect((await store.getSubmission(`dispatch-${i}`))?.abortRequestedAt).toEqual(expect.any(Number));
  });
});

describe('admissions with image chunks', () => {
  it('8 racing admissions of one prompt with a big image keep one chunk hash and no staged data', async () => {
    const prefix = redis.newPrefix('img');
    const stores = await Promise.all(
      Array.from({ length: 8 }, () => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const message = { kind: 'user', body: 'img', attachments: [{ type: 'image', data: 'k'.repeat(700_000), mimeType: 'image/png' }] };
    const input = { ...dispatch({ submissionId: 'pic' }), message } as DispatchInput;
    const results = await Promise.all(stores.map((s) => s.submissionStore.admitDispatch(input)));
    expect(results.every((r) => r.kind === 'submission' && r.submission.sequence === 1)).toBe(true);
    expect(await redis.client.hlen(new FlueKeys(prefix).chunks('pic'))).toBe(3);
    const staged = await keysMatching(redis.client, `${prefix}:*stage*`);
    expect(staged).toEqual([]);
    const other = { ...input, message: { ...message, attachments: [{ type: 'image', data: `${'k'.repeat(699_999)}z`, mimeType: 'image/png' }] } };
    expect(await stores[0]!.submissionStore.admitDispatch(other as DispatchInput)).toEqual({ kind: 'conflict' });
    expect((await stores[1]!.submissionStore.getSubmission('pic'))?.input.message).toEqual(message);
  });
});

describe('leases use the server clock', () => {
  it('renewLeases sets server time + LEASE_DURATION_MS; expiry compares with server time', async () => {
    const prefix = redis.newPrefix('lease');
    const { submissionStore: store } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    await readyDispatch(store);
    await readyDispatch(store, { submissionId: 'dispatch-2', id: 'agent-2' });
    const now = await serverMs(redis.client);
    await store.claimSubmission({ submissionId: 'dispatch-1', attemptId: 'a1', ownerId: 'o', leaseExpiresAt: now - 1 });
    await store.claimSubmission({ submissionId: 'dispatch-2', attemptId: 'a2', ownerId: 'o', leaseExpiresAt: now + 60_000 });
    expect((await store.listExpiredSubmissions()).map((s) => s.submissionId)).toEqual(['dispatch-1']);
    const before = await serverMs(redis.client);
    await store.renewLeases('o', ['dispatch-1']);
    const after = await serverMs(redis.client);
    const lease = (await store.getSubmission('dispatch-1'))!.leaseExpiresAt;
    expect(lease).toBeGreaterThanOrEqual(before + 30_000);
    expect(lease).toBeLessThanOrEqual(after + 30_000);
    expect(await store.listExpiredSubmissions()).toEqual([]);
  });
});

describe('retention', () => {
  it('drops settled submissions older than the retention on later settlements, keeps unsettled ones', async () => {
    const prefix = redis.newPrefix('ret');
    const { submissionStore: store } = await flueRedis(redis.client, { keyPrefix: prefix, retention: { settledSubmissionsMs: 1 } }).connect();
    await readyDispatch(store, { submissionId: 'old' });
    await readyDispatch(store, { submissionId: 'new', id: 'agent-2' });
    await readyDispatch(store, { submissionId: 'open', id: 'agent-3' });
    expect(await store.settleQueuedSubmission('old', 'failed', new Error('x'))).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.settleQueuedSubmission('new', 'failed', new Error('y'))).toBe(true);
    expect(await store.getSubmission('old')).toBeNull();
    expect(await store.getSubmission('new')).toMatchObject({ status: 'settled' });
    expect(await store.getSubmission('open')).toMatchObject({ status: 'queued' });
  });

  it('drops an expired settled submission together with its attachment chunk hash', async () => {
    const prefix = redis.newPrefix('ret');
    const { submissionStore: store } = await flueRedis(redis.client, { keyPrefix: prefix, retention: { settledSubmissionsMs: 1 } }).connect();
    const message = { kind: 'user', body: 'img', attachments: [{ type: 'image', data: 'p'.repeat(600_000), mimeType: 'image/png' }] };
    await store.admitDispatch({ ...dispatch({ submissionId: 'pic' }), message } as DispatchInput);
    await readyDispatch(store, { submissionId: 'later', id: 'agent-2' });
    const chunkKey = new FlueKeys(prefix).chunks('pic');
    expect(await redis.client.hlen(chunkKey)).toBe(3);
    expect((await store.getSubmission('pic'))?.input.message).toEqual(message);
    expect(await store.settleQueuedSubmission('pic', 'failed', 'x')).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.settleQueuedSubmission('later', 'failed', 'y')).toBe(true);
    expect(await store.getSubmission('pic')).toBeNull();
    expect(await redis.client.exists(chunkKey)).toBe(0);
    const staged = await keysMatching(redis.client, `${prefix}:*stage*`);
    expect(staged).toEqual([]);
  });

  it('keeps settled submissions by default', async () => {
    const prefix = redis.newPrefix('ret');
    const { submissionStore: store } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    await readyDispatch(store, { submissionId: 'a' });
    await readyDispatch(store, { submissionId: 'b', id: 'agent-2' });
    await store.settleQueuedSubmission('a', 'failed', 'x');
    await new Promise((r) => setTimeout(r, 5));
    await store.settleQueuedSubmission('b', 'failed', 'y');
    expect(await store.getSubmission('a')).toMatchObject({ status: 'settled', error: 'x' });
  });
});
