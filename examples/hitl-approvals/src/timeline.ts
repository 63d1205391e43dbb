import type { State } from '@redstate/hitl';
import { newId, nextMillis } from './clock.ts';

/**
 * Appends one note to a thread's timeline (one Lua script). With a fixed `entryId` the note
 * replaces an earlier one of the same id in that thread instead of adding a second.
 */
export async function note(state: State, threadId: string, message: string, detail?: Record<string, unknown>, entryId?: string): Promise<void> {
  const ms = nextMillis();
  await state.appendTimeline({ id: entryId ?? newId('note', ms), threadId, message, detail, createdAt: new Date(ms).toISOString() });
}
