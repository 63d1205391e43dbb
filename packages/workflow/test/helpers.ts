import { Keyspace, type RedisClient } from '@redstate/core';
import { keysMatching } from '@redstate/testing';
import { WorkflowKeys } from '../src/keys.js';
import { RedisWorkflowRunService, RedisWorkflowService, type RedisWorkflowServiceOptions } from '../src/index.js';

export const wire = { type: 'test' };

export function services(client: RedisClient, prefix: string, options: RedisWorkflowServiceOptions = {}) {
  const service = new RedisWorkflowService(client, { keyPrefix: prefix, wireQueues: false, ...options });
  const runs = new RedisWorkflowRunService(client, { keyPrefix: prefix, partitions: options.partitions });
  return { service, runs };
}

/** Every key stored under a test prefix (tests only; operations never scan). */
export async function keysUnder(client: RedisClient, prefix: string): Promise<string[]> {
  return (await keysMatching(client, `${prefix}:*`)).sort();
}

/** The key layout a service with this prefix and partition count uses. */
export function keysFor(prefix: string, partitions = 16): WorkflowKeys {
  return new WorkflowKeys(new Keyspace(prefix), partitions);
}
