import { RedisUsageStore } from '@redstate/usage';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const SESSIONS = 16;
const T0 = 1_700_000_000_000;

function entry(i: number, sessionId: string) {
  return {
    id: `e-${i}`,
    sessionId,
    stepCount: i,
    timestamp: T0 + i, // fixed, so a retry sends the identical entry
    source: { type: 'agent', name: 'reliability' },
    kind: 'tokens' as const,
    model: i % 2 === 0 ? 'model-a' : 'model-b',
    tokens: { prompt: 1, completion: i % 7 },
  };
}

/**
 * Write i = entry e-i in session s-(i % 16). Invariants walked after every fault: each
 * acknowledged entry is stored; the O(1) rollup and entry count equal the sums over the
 * entries actually stored (no double count, no half-applied script); the session index
 * lists every session.
 */
function usageWorkload(): Workload {
  return {
    name: 'usage',
    async open(client, prefix) {
      const store = new RedisUsageStore(client, { keyPrefix: prefix, ttlSeconds: 0 });
      await store.ensureSchema();
      return {
        async write(i) {
          await store.recordEntry(entry(i, `s-${i % SESSIONS}`));
        },
        async fill(i) {
          await store.recordEntry(entry(i, `fill-${i}`));
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          const indexed = new Set<string>();
          for (let cursor: string | null | undefined; cursor !== null; ) {
            const page = await store.findSessionIds({ cursor: cursor ?? undefined, limit: 1000 });
            for (const id of page.sessionIds) indexed.add(id);
            cursor = page.nextCursor;
          }
          for (let s = 0; s < SESSIONS; s++) {
            const sessionId = `s-${s}`;
            const mine = acked.filter((i) => i % SESSIONS === s);
            const entries = await store.getEntries(sessionId, { limit: 100_000 });
            const stored = new Set(entries.map((e) => e.id));
            for (const i of mine) if (!stored.has(`e-${i}`)) lost.push(i);
            if (entries.length === 0) continue;
            if (stored.size !== entries.length) violations.push(`${sessionId}: an entry id is stored twice`);
            if (!indexed.has(sessionId)) violations.push(`${sessionId}: missing from the session index`);
            const rollup = await store.getRollup(sessionId);
            const count = await store.getEntryCount(sessionId);
            const completion = entries.reduce((n, e) => n + (e.kind === 'tokens' ? e.tokens.completion : 0), 0);
            if (!rollup) violations.push(`${sessionId}: entries without a rollup`);
            else {
              if (rollup.entryCount !== entries.length) violations.push(`${sessionId}: rollup counts ${rollup.entryCount}, ${entries.length} stored`);
              if (rollup.tokens.completion !== completion) violations.push(`${sessionId}: rollup completion ${rollup.tokens.completion} != ${completion}`);
            }
            if (count !== entries.length) violations.push(`${sessionId}: getEntryCount ${count}, ${entries.length} stored`);
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            recordEntry: () => store.recordEntry(entry(1, 'probe')),
            getEntries: () => store.getEntries('probe'),
            getRollup: () => store.getRollup('probe', { includeSubAgents: true }),
            exists: () => store.exists('probe'),
            delete: () => store.delete('probe'),
            getEntryCount: () => store.getEntryCount('probe'),
            findSessionIds: () => store.findSessionIds(),
          };
        },
      };
    },
  };
}

describeFaults(usageWorkload());
