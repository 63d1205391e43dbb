import type { ScriptArg } from '@redstate/core';
import type { UsageEntry } from './entry-schema.js';

/** Arguments per entry in record-entries (see the script's header). */
export const RECORD_STRIDE = 12;

/** The 12 record-entries arguments of one validated entry, padded with ''. */
export function recordArgs(entry: UsageEntry, json: string, timestampGiven: boolean): ScriptArg[] {
  const head: ScriptArg[] = [entry.id, json, entry.kind, entry.timestamp, entry.stepCount, timestampGiven ? 1 : 0];
  let tail: ScriptArg[];
  switch (entry.kind) {
    case 'tokens': {
      const t = entry.tokens;
      const total = t.total ?? t.prompt + t.completion;
      tail = [entry.model, t.prompt, t.completion, t.reasoning ?? 0, t.cached ?? 0, total];
      break;
    }
    case 'tool':
      tail = [entry.toolName, entry.success ? 1 : 0, entry.durationMs ?? 0];
      break;
    case 'subagent':
      tail = [entry.agentName, entry.subSessionId, entry.success === false ? 0 : 1, entry.durationMs ?? 0];
      break;
    case 'custom':
      tail = [entry.name, String(entry.value)];
      break;
  }
  const args = [...head, ...tail];
  while (args.length < RECORD_STRIDE) args.push('');
  return args;
}
