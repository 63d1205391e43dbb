import type { HumanRequestStatus } from './types.js';

/**
 * Key names of @hitl-sdk/state-ioredis 1.x, read only by the migrations. That package
 * concatenated raw ids without escaping or hash tags; these names reproduce its layout
 * exactly, which is why they are built here and not through Keyspace.
 */
export class LegacyKeys {
  constructor(readonly prefix: string) {}

  ledger(): string {
    return `${this.prefix}:meta:migrations`;
  }

  request(id: string): string {
    return `${this.prefix}:req:${id}`;
  }

  token(token: string): string {
    return `${this.prefix}:idx:token:${token}`;
  }

  status(status: HumanRequestStatus): string {
    return `${this.prefix}:idx:status:${status}`;
  }

  all(): string {
    return `${this.prefix}:idx:all:req`;
  }

  namespace(namespace: string): string {
    return `${this.prefix}:idx:ns:${namespace}`;
  }

  namespaceStatus(namespace: string, status: HumanRequestStatus): string {
    return `${this.prefix}:idx:ns:${namespace}:status:${status}`;
  }

  /** SCAN patterns (the prefix is made of identifiers and `:` only, so it holds no glob characters). */
  batchPattern(): string {
    return `${this.prefix}:batch:*`;
  }

  notifyPattern(): string {
    return `${this.prefix}:notify:*`;
  }

  threadPattern(): string {
    return `${this.prefix}:timeline:*`;
  }

  threadPrefix(): string {
    return `${this.prefix}:timeline:`;
  }

  timelineEntry(id: string): string {
    return `${this.prefix}:timeline:entry:${id}`;
  }
}
