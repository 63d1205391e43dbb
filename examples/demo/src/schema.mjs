import { RedisStateStore } from '@redstate/agent-state';
import { RedisHitlState } from '@redstate/hitl';
import { RedisLockManager } from '@redstate/locks';
import { RedisUsageStore } from '@redstate/usage';
import { RedisWorkflowService } from '@redstate/workflow';
import { detail } from './report.mjs';

/** What an app runs once at deploy: each package's migrations, recorded in its ledger. */
export async function ensureAll(client, prefix) {
  const owners = {
    locks: new RedisLockManager(client, { keyPrefix: `${prefix}:locks` }),
    'agent-state': new RedisStateStore({ client, keyPrefix: `${prefix}:agents` }),
    usage: new RedisUsageStore(client, { keyPrefix: prefix }),
    workflow: new RedisWorkflowService(client, { keyPrefix: `${prefix}:workflow` }),
    hitl: new RedisHitlState(client, { tableName: 'demo.human_requests' }),
  };
  for (const [name, owner] of Object.entries(owners)) {
    const result = await owner.ensureSchema();
    detail(`${name.padEnd(12)} applied ${result.applied.join(', ') || 'nothing (already current)'}`);
  }
}
