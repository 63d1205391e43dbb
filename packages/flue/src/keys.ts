import { escapeKeyPart, type KeyUnit, Keyspace } from '@redstate/core';

/**
 * Every key of the adapter. One hash slot (`{flue}`) holds submissions and conversation
 * streams, because an append checks the submission that authorises it in the same script;
 * attachments get one slot per stream path. `{prefix}:meta` is the format stamp Flue's own
 * Redis adapter writes, kept at the same name for compatibility.
 */
export class FlueKeys {
  readonly keyspace: Keyspace;
  readonly meta: string;
  readonly submissionKeys: readonly string[];
  private readonly data: KeyUnit;

  constructor(prefix: string) {
    this.keyspace = new Keyspace(prefix);
    this.meta = this.keyspace.key('meta');
    this.data = this.keyspace.unit('flue');
    const s = (part: string) => this.data.key('sub', part);
    this.submissionKeys = [
      s('rows'),
      s('payloads'),
      s('chunk-counts'),
      s('obligations'),
      s('seq'),
      s('unsettled'),
      s('queued'),
      s('running'),
      s('leases'),
      s('sessions'),
      s('pending'),
      s('joins'),
      s('settled'),
    ];
  }

  get unsettled(): string {
    return this.submissionKeys[5]!;
  }

  /** One submission's attachment chunks (field = chunk position, value = chunk row JSON). */
  chunks(submissionId: string): string {
    return this.data.key('sub', 'chunks', submissionId);
  }

  chunkStage(token: string): string {
    return this.data.key('sub', 'stage', token);
  }

  stream(path: string, part: 'meta' | 'batches' | 'bmeta' | 'pseq' | 'checkpoint'): string {
    return this.data.key('stream', path, part);
  }

  spill(path: string, token: string): string {
    return this.data.key('stream', path, 'spill', token);
  }

  /** Pub/sub channel announcing appends to one stream (a channel name, not a key). */
  channel(path: string): string {
    return this.data.key('notify', path);
  }

  attachment(streamPath: string, attachmentId: string): string {
    return this.keyspace.unit('att', streamPath).key(attachmentId);
  }

  attachmentStage(streamPath: string, attachmentId: string, token: string): string {
    return this.keyspace.unit('att', streamPath).key(attachmentId, 'stage', token);
  }

  /** Index-member encoding of an id: no `:` so prefixes in lex ranges are unambiguous. */
  static member(id: string): string {
    return escapeKeyPart(id);
  }
}
