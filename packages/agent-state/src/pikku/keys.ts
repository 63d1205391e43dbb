import { Keyspace } from '@redstate/core';

/**
 * Keys of one thread: the atomic unit (hash tag `{thread:<id>}`). Runs, messages, scores
 * and thread working memory live here, so deleting a thread is one script.
 */
export interface ThreadKeys {
  readonly data: string;
  readonly messages: string;
  readonly messageData: string;
  readonly runs: string;
  readonly runData: string;
  readonly runVersions: string;
  readonly agents: string;
  readonly scores: string;
  readonly scoreSeq: string;
  readonly memory: string;
  readonly toolCalls: string;
  readonly all: readonly string[];
}

/** Every key of the Pikku agent layout is built here. */
export class PikkuAgentKeys {
  readonly keyspace: Keyspace;

  constructor(prefix: string) {
    this.keyspace = new Keyspace(prefix);
  }

  thread(threadId: string): ThreadKeys {
    const unit = this.keyspace.unit('thread', threadId);
    const k = {
      data: unit.key('data'),
      messages: unit.key('messages'),
      messageData: unit.key('message-data'),
      runs: unit.key('runs'),
      runData: unit.key('run-data'),
      runVersions: unit.key('run-versions'),
      agents: unit.key('agents'),
      scores: unit.key('scores'),
      scoreSeq: unit.key('score-seq'),
      memory: unit.key('memory'),
      toolCalls: unit.key('tool-calls'),
    };
    return {
      ...k,
      all: [
        k.data,
        k.messages,
        k.messageData,
        k.runs,
        k.runData,
        k.runVersions,
        k.agents,
        k.scores,
        k.scoreSeq,
        k.memory,
        k.toolCalls,
      ],
    };
  }

  /** All threads, newest created first (ZSET by createdAt ms). */
  get threads(): string {
    return this.keyspace.key('threads');
  }

  /** Threads whose resourceId equals `resourceId` exactly. */
  resourceThreads(resourceId: string): string {
    return this.keyspace.key('resource-threads', resourceId);
  }

  /** Threads whose resourceId is `principal` or starts with `principal:`. */
  ownerThreads(principal: string): string {
    return this.keyspace.key('owner-threads', principal);
  }

  /** Threads with at least one run of the agent (ZSET by first run ms). */
  agentThreads(agentName: string): string {
    return this.keyspace.key('agent-threads', agentName);
  }

  /** agentName -> number of stored runs. */
  get agentNames(): string {
    return this.keyspace.key('agent-names');
  }

  /** toolCallId -> runId, for pending approvals. */
  get toolCalls(): string {
    return this.keyspace.key('tool-calls');
  }

  resourceMemory(resourceId: string): string {
    return this.keyspace.unit('resource', resourceId).key('memory');
  }
}

/** Every `principal` a resourceId is owned by: `a:b:c` -> `a`, `a:b`, `a:b:c`. */
export function ownerPrincipals(resourceId: string): string[] {
  const parts = resourceId.split(':');
  return parts.map((_, i) => parts.slice(0, i + 1).join(':'));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Run ids are `<uuid>.<threadId>`, so a run is found in its thread's unit without an index. */
export function formatRunId(uuid: string, threadId: string): string {
  return `${uuid}.${threadId}`;
}

export function parseRunId(runId: string): { uuid: string; threadId: string } | null {
  if (typeof runId !== 'string' || runId.length < 38 || runId[36] !== '.') return null;
  const uuid = runId.slice(0, 36);
  if (!UUID.test(uuid)) return null;
  return { uuid, threadId: runId.slice(37) };
}
