import type { Keyspace } from '@redstate/core';

/** The six keys of one session, in the order every session script takes them. */
export function sessionKeys(keyspace: Keyspace, sessionId: string): string[] {
  const unit = keyspace.unit('session', sessionId);
  return [
    unit.key('state'),
    unit.key('messages'),
    unit.key('checkpoints'),
    unit.key('checkpoint-data'),
    unit.key('staging'),
    unit.key('fence'),
  ];
}

export const STATE = 0;
export const MESSAGES = 1;
export const CHECKPOINT_INDEX = 2;
export const CHECKPOINT_DATA = 3;
export const STAGING = 4;

/** The two keys of one stream: metadata hash and chunk stream. */
export function streamKeys(keyspace: Keyspace, streamId: string): [meta: string, chunks: string] {
  const unit = keyspace.unit('stream', streamId);
  return [unit.key('meta'), unit.key('chunks')];
}
