import type { ScriptArg } from '@redstate/core';
import type { UsageEntry } from './entry-schema.js';

/** ARGV[2..] of record-entry for one validated entry (see the script's header). */
export function recordArgs(entry: UsageEntry, json: string, timestampGiven: boolean): ScriptArg[] {
  const head: ScriptArg[] = [entry.id, json, entry.kind, entry.timestamp, entry.stepCount, timestampGiven ? 1 : 0];
  switch (entry.kind) {
    case 'tokens': {
      const t = entry.tokens;
      const total = t.total ?? t.prompt + t.completion;
      return [...head, entry.model, t.prompt, t.completion, t.reasoning ?? 0, t.cached ?? 0, total];
    }
    case 'tool':
      return [...head, entry.toolName, entry.success ? 1 : 0, entry.durationMs ?? 0];
    case 'subagent':
      return [...head, entry.agentName, entry.subSessionId, entry.success === false ? 0 : 1, entry.durationMs ?? 0];
    case 'custom':
      return [...head, entry.name, String(entry.value)];
  }
}
