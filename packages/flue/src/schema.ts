import { FLUE_FORMAT_VERSION } from '@flue/runtime/adapter';
import { type Migration, type RedisClient, SchemaLedger } from '@redstate/core';
import { FlueFormatVersionError } from './errors.js';
import { PACKAGE_VERSION } from './generated/version.js';
import type { FlueKeys } from './keys.js';
import { formatStampScript } from './scripts.js';

/** The legacy `schema_version` Flue adopts in place as format version 1. */
const ADOPTABLE_SCHEMA_VERSION = '8';

/** Append-only: never edit, remove or reorder an entry that has shipped. */
export const flueMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'submission rows and indexes, conversation streams, attachments (all created on first write)',
    up: async () => {},
  },
];

export type FormatStampOutcome = 'ok' | 'stamped' | 'adopted';

/**
 * Checks (and on a fresh namespace writes) Flue's `format_version` stamp in `{prefix}:meta`,
 * the same field Flue's own Redis adapter writes. Refuses an unknown or newer version with
 * {@link FlueFormatVersionError} before anything is written.
 */
export async function checkFormatStamp(client: RedisClient, keys: FlueKeys): Promise<FormatStampOutcome> {
  const { outcome, stored } = await formatStampScript.run(client, [keys.meta], [String(FLUE_FORMAT_VERSION), ADOPTABLE_SCHEMA_VERSION]);
  if (outcome === 'ok' || outcome === 'stamped' || outcome === 'adopted') return outcome;
  throw new FlueFormatVersionError(stored, FLUE_FORMAT_VERSION);
}

export function createLedger(client: RedisClient, keys: FlueKeys): SchemaLedger {
  return new SchemaLedger(client, {
    namespace: 'flue',
    keyspace: keys.keyspace,
    migrations: flueMigrations,
    version: PACKAGE_VERSION,
  });
}
