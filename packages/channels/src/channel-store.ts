import type { Channel } from '@pikku/core/channel';
import { ChannelStore } from '@pikku/core/channel';
import {
  escapeKeyPart,
  idSchema,
  Keyspace,
  parseInput,
  parseStoredJson,
  type RedisClient,
  resolveClient,
  type ClientHandle,
  SchemaLedger,
  type EnsureSchemaResult,
  toJson,
  unescapeKeyPart,
} from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { z } from 'zod';
import { ChannelNotFoundError } from './errors.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { type ChannelKeys, channelKeys } from './keys.js';
import { optionsSchema, type RedisChannelStoreOptions } from './options.js';
import { CHANNELS_NAMESPACE, channelMigrations } from './schema.js';
import {
  addChannelScript,
  getChannelScript,
  getStateScript,
  removeChannelsScript,
  setFieldScript,
  subscribeScript,
  sweepExpiredScript,
  topicChannelsScript,
  unsubscribeScript,
} from './scripts.js';

const channelSchema = z.object({
  channelId: idSchema,
  channelName: idSchema,
  openingData: z.unknown().optional(),
});
const idsSchema = z.array(idSchema).max(10_000);
const userIdSchema = idSchema.nullable();
const sweepLimitSchema = z.number().int().min(1).max(100_000);

/** A channel as read back: Pikku's `Channel` plus the user it is bound to. */
export type StoredPikkuChannel<OpeningData = unknown> = Channel<never, OpeningData> & { pikkuUserId?: string };

/**
 * Pikku `ChannelStore` on Redis, with topic subscriptions (`subscribe`, `unsubscribe`,
 * `getChannelIdsForTopic`) in the same atomic unit so removing a channel removes its
 * state and subscriptions in one step. Runs `ensureSchema()` lazily on first use.
 */
export class RedisChannelStore<OpeningData = unknown> extends ChannelStore<never, OpeningData, Channel<never, OpeningData>> {
  readonly keyPrefix: string;
  readonly channelTtlMs: number;
  private readonly handle: ClientHandle;
  private readonly keys: ChannelKeys;
  private readonly ledger: SchemaLedger;
  private readonly sweepLimit: number;

  constructor(client: RedisClient | RedisOptions | string, options: RedisChannelStoreOptions = {}) {
    super();
    const opts = parseInput(optionsSchema, options, 'RedisChannelStore options');
    const keyspace = new Keyspace(opts.keyPrefix ?? 'redstate:channels');
    this.keyPrefix = keyspace.prefix;
    this.channelTtlMs = opts.channelTtlMs ?? 0;
    this.sweepLimit = opts.sweepLimit ?? 32;
    this.handle = resolveClient(client);
    this.keys = channelKeys(keyspace);
    this.ledger = new SchemaLedger(this.handle.client, {
      namespace: CHANNELS_NAMESPACE,
      keyspace,
      migrations: channelMigrations,
      version: PACKAGE_VERSION,
    });
  }

  get client(): RedisClient {
    return this.handle.client;
  }

  /** Applies pending migrations (safe with many processes). */
  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensure();
  }

  /** Pikku-style alias of {@link ensureSchema}. */
  async init(): Promise<void> {
    await this.ledger.ensureOnce();
  }

  async addChannel(channel: Channel<never, OpeningData>): Promise<void> {
    const input = parseInput(channelSchema, channel, 'channel');
    const hasOpening = input.openingData !== undefined;
    const args: (string | number)[] = [escapeKeyPart(input.channelId), this.channelTtlMs, this.sweepLimit, input.channelName, hasOpening ? '1' : '0'];
    if (hasOpening) args.push(toJson(input.openingData, 'openingData'));
    await this.ready();
    await addChannelScript.run(this.client, this.keys.all, args);
  }

  async removeChannels(channelIds: string[]): Promise<void> {
    await this.removeChannelsCounted(channelIds);
  }

  /** Like `removeChannels`, returning how many of the ids were existing channels. */
  async removeChannelsCounted(channelIds: readonly string[]): Promise<number> {
    const ids = parseInput(idsSchema, channelIds, 'channel ids');
    if (ids.length === 0) return 0;
    await this.ready();
    return removeChannelsScript.run(this.client, this.keys.all, [this.sweepLimit, ...ids.map(escapeKeyPart)]);
  }

  async setPikkuUserId(channelId: string, pikkuUserId: string | null): Promise<void> {
    const id = parseInput(idSchema, channelId, 'channel id');
    const user = parseInput(userIdSchema, pikkuUserId, 'pikkuUserId');
    await this.ready();
    const change = user === null ? ['0'] : ['1', user];
    const found = await setFieldScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs, 'user', ...change]);
    if (found === 0) throw new ChannelNotFoundError(id);
  }

  async getChannel(channelId: string): Promise<StoredPikkuChannel<OpeningData>> {
    const id = parseInput(idSchema, channelId, 'channel id');
    await this.ready();
    const stored = await getChannelScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs]);
    if (!stored) throw new ChannelNotFoundError(id);
    const channel: StoredPikkuChannel<OpeningData> = { channelId: id, channelName: stored.channelName };
    if (stored.openingData !== null) {
      channel.openingData = parseStoredJson(stored.openingData, `openingData of channel ${id}`) as OpeningData;
    }
    if (stored.pikkuUserId !== null) channel.pikkuUserId = stored.pikkuUserId;
    return channel;
  }

  async setState(channelId: string, state: unknown): Promise<void> {
    const id = parseInput(idSchema, channelId, 'channel id');
    if (state === undefined) return this.clearState(id);
    const json = toJson(state, 'channel state');
    await this.ready();
    const found = await setFieldScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs, 'state', '1', json]);
    if (found === 0) throw new ChannelNotFoundError(id);
  }

  async getState(channelId: string): Promise<unknown | undefined> {
    const id = parseInput(idSchema, channelId, 'channel id');
    await this.ready();
    const raw = await getStateScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs]);
    return raw === null ? undefined : parseStoredJson(raw, `state of channel ${id}`);
  }

  /** Clears the state; a missing channel is a no-op. */
  async clearState(channelId: string): Promise<void> {
    const id = parseInput(idSchema, channelId, 'channel id');
    await this.ready();
    await setFieldScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs, 'state', '0']);
  }

  /** Subscribes a channel to a topic (idempotent); always resolves true. */
  async subscribe(topic: string, channelId: string): Promise<boolean> {
    const t = parseInput(idSchema, topic, 'topic');
    const id = parseInput(idSchema, channelId, 'channel id');
    await this.ready();
    await subscribeScript.run(this.client, this.keys.all, [escapeKeyPart(id), this.channelTtlMs, this.sweepLimit, escapeKeyPart(t)]);
    return true;
  }

  /** True when the subscription existed. */
  async unsubscribe(topic: string, channelId: string): Promise<boolean> {
    const t = parseInput(idSchema, topic, 'topic');
    const id = parseInput(idSchema, channelId, 'channel id');
    await this.ready();
    return (await unsubscribeScript.run(this.client, this.keys.all, [escapeKeyPart(id), escapeKeyPart(t)])) === 1;
  }

  /** Live channel ids subscribed to a topic, in lexical order of their escaped ids. */
  async getChannelIdsForTopic(topic: string): Promise<string[]> {
    const t = parseInput(idSchema, topic, 'topic');
    await this.ready();
    const escaped = await topicChannelsScript.run(this.client, this.keys.all, [escapeKeyPart(t)]);
    return escaped.map(unescapeKeyPart);
  }

  /** Removes up to `limit` channels whose TTL ran out; returns how many. Writes do this too. */
  async sweepExpired(limit = 1000): Promise<number> {
    const n = parseInput(sweepLimitSchema, limit, 'limit');
    await this.ready();
    return sweepExpiredScript.run(this.client, this.keys.all, [n]);
  }

  /** Closes the connection only when this store created it (from a URL or options). */
  async close(): Promise<void> {
    await this.handle.close();
  }

  private async ready(): Promise<void> {
    await this.ledger.ensureOnce();
  }
}
