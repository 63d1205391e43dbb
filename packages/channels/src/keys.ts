import type { Keyspace } from '@redstate/core';

/**
 * The store is one atomic unit: every key shares the hash tag `{store}`, so removing a
 * channel can drop its record, state and subscriptions in one script, also on a Cluster.
 */
export interface ChannelKeys {
  readonly names: string;
  readonly opening: string;
  readonly users: string;
  readonly state: string;
  readonly expiry: string;
  readonly subs: string;
  readonly channelSubs: string;
  /** In the order every channel script takes them. */
  readonly all: readonly string[];
}

export function channelKeys(keyspace: Keyspace): ChannelKeys {
  const unit = keyspace.unit('store');
  const k = {
    names: unit.key('names'),
    opening: unit.key('opening'),
    users: unit.key('users'),
    state: unit.key('state'),
    expiry: unit.key('expiry'),
    subs: unit.key('subs'),
    channelSubs: unit.key('channel-subs'),
  };
  return { ...k, all: [k.names, k.opening, k.users, k.state, k.expiry, k.subs, k.channelSubs] };
}
