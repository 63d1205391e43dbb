import type { Keyspace } from '@redstate/core';

/** The registry is one atomic unit: every key shares the hash tag `{registry}`. */
export interface DeploymentKeys {
  readonly live: string;
  readonly endpoints: string;
  readonly byFunction: string;
  readonly byId: string;
  /** In the order every deployment script takes them. */
  readonly all: readonly string[];
}

export function deploymentKeys(keyspace: Keyspace): DeploymentKeys {
  const unit = keyspace.unit('registry');
  const k = {
    live: unit.key('live'),
    endpoints: unit.key('endpoints'),
    byFunction: unit.key('by-function'),
    byId: unit.key('by-id'),
  };
  return { ...k, all: [k.live, k.endpoints, k.byFunction, k.byId] };
}
