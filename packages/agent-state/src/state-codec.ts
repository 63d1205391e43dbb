import { asFieldMap, parseStored, parseStoredJson, toJson } from '@redstate/core';
import type { z } from 'zod';
import { type AgentStateInputSchema, AgentStateSchema, CheckpointSchema, StoredDocSchema } from './schemas.js';
import type { AgentState, Checkpoint } from './types.js';

type ValidState = z.output<typeof AgentStateInputSchema>;

export interface EncodedState {
  status: string;
  stepCount: string;
  customState: string;
  doc: string;
  /** The checkpoint's `state` object without `customState` and its closing brace. */
  snapshotHead: string;
  messages: string[] | null;
}

export function encodeState(state: ValidState): EncodedState {
  const { status, stepCount, customState, messages, ...rest } = state;
  const doc = toJson(rest, 'state');
  const custom = toJson(customState, 'customState');
  // The save script appends `,"customState":<json>}}`, so customState travels once; `doc`
  // always holds sessionId, so it is a non-empty object.
  const snapshotHead = `${doc.slice(0, -1)},"status":${JSON.stringify(status)},"stepCount":${stepCount}`;
  return {
    status,
    stepCount: String(stepCount),
    customState: custom,
    doc,
    snapshotHead,
    messages: messages === undefined ? null : messages.map((m, i) => toJson(m, `messages[${i}]`)),
  };
}

function intField(fields: Record<string, string>, name: string): number | undefined {
  const raw = fields[name];
  return raw === undefined ? undefined : Number(raw);
}

export function decodeState(sessionId: string, rawFields: unknown, rawMessages: readonly unknown[]): AgentState {
  const what = `agent state of session ${JSON.stringify(sessionId)}`;
  const fields = asFieldMap(rawFields);
  const doc = parseStored(StoredDocSchema, parseStoredJson(fields.doc ?? '', what), what);
  const messages = rawMessages.map((m, i) => parseStoredJson(typeof m === 'string' ? m : '', `${what} (message ${i})`));
  return parseStored(
    AgentStateSchema,
    {
      ...doc,
      status: fields.status,
      stepCount: intField(fields, 'stepCount'),
      customState: parseStoredJson(fields.customState ?? '', what),
      messages,
      resumeCount: intField(fields, 'resumeCount'),
      version: intField(fields, 'version'),
      createdAt: intField(fields, 'createdAt'),
      updatedAt: intField(fields, 'updatedAt'),
    },
    what,
  );
}

export function decodeCheckpoint(sessionId: string, body: string): Checkpoint {
  const what = `checkpoint of session ${JSON.stringify(sessionId)}`;
  return parseStored(CheckpointSchema, parseStoredJson(body, what), what);
}
