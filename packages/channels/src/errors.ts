import { NotFoundError } from '@redstate/core';

/** Code `NOT_FOUND` (a NotFoundError). `getChannel` (or a write) named a channel that does not exist or whose TTL ran out. */
export class ChannelNotFoundError extends NotFoundError {
  constructor(readonly channelId: string) {
    // Pikku's contract suite matches this exact message.
    super(`Channel not found: ${channelId}`, { details: { channelId } });
  }
}
