import { AlreadyResolvedError, DuplicateIdError, type HumanRequestRecord, type HumanRequestStatus, RedisHitlState } from '@redstate/hitl';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const NAMESPACES = 3;
const STATUSES: readonly HumanRequestStatus[] = ['pending', 'resolved'];

function requestOf(id: string, i: number) {
  return {
    id,
    token: `tok-${id}`,
    channel: 'approvals',
    namespace: `ns-${i % NAMESPACES}`,
    message: `Approve ${i}?`,
    actions: [{ id: 'approve' }, { id: 'deny' }],
    context: { i, tags: [] },
  };
}

function resultOf(id: string, i: number) {
  return { type: 'RESOLVED' as const, actionId: i % 4 === 1 ? 'approve' : 'deny', id, externalRef: `ref-${i}`, feedbacks: {} };
}

/** hitl tables are `schema.table` identifiers, so the scenario prefix becomes one. */
function tableOf(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Write i = create request r-i (unique token, namespace ns-(i % 3)) and resolve it when i is
 * odd. create and resolve are not idempotent: a retry that gets DuplicateIdError or
 * AlreadyResolvedError is accepted only after reading back that the first attempt landed with
 * this write's token / result. Invariants: each acknowledged request is stored with the right
 * status and result; its token maps back through findByToken; every listing (per status,
 * per namespace) holds records with that status and namespace, and count agrees with it.
 */
function hitlWorkload(): Workload {
  return {
    name: 'hitl',
    async open(client, prefix) {
      const state = new RedisHitlState(client, { tableName: tableOf(prefix) });
      await state.ensureSchema();
      const create = async (id: string, i: number) => {
        try {
          await state.create(requestOf(id, i));
        } catch (error) {
          if (!(error instanceof DuplicateIdError)) throw error;
          const stored = await state.get(id);
          if (stored?.token !== `tok-${id}`) throw new Error(`${id}: duplicate id but stored ${JSON.stringify(stored)}`);
        }
      };
      const resolve = async (id: string, i: number) => {
        try {
          await state.resolve(id, resultOf(id, i));
        } catch (error) {
          if (!(error instanceof AlreadyResolvedError)) throw error;
          const stored = await state.get(id);
          if (stored?.result?.externalRef !== `ref-${i}`) throw new Error(`${id}: already resolved with ${JSON.stringify(stored?.result)}`);
        }
      };
      const listAll = async (filter: { status?: HumanRequestStatus; namespace?: string }) => {
        const items: HumanRequestRecord[] = [];
        for (let cursor: string | undefined, first = true; first || cursor; first = false) {
          const page = await state.list({ ...filter, limit: 1000, cursor });
          items.push(...page.items);
          cursor = page.nextCursor;
        }
        return items;
      };
      return {
        async write(i) {
          await create(`r-${i}`, i);
          if (i % 2 === 1) await resolve(`r-${i}`, i);
        },
        async fill(i) {
          await create(`fill-${i}`, i);
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          for (const i of acked) {
            const id = `r-${i}`;
            const stored = await state.get(id);
            if (!stored) {
              lost.push(i);
              continue;
            }
            const want = i % 2 === 1 ? 'resolved' : 'pending';
            if (stored.status !== want) violations.push(`${id}: status ${stored.status}, want ${want}`);
            if (want === 'resolved' && JSON.stringify(stored.result) !== JSON.stringify(resultOf(id, i))) {
              violations.push(`${id}: result ${JSON.stringify(stored.result)}`);
            }
            if (stored.namespace !== `ns-${i % NAMESPACES}`) violations.push(`${id}: namespace ${stored.namespace}`);
            if ((await state.findByToken(`tok-${id}`))?.id !== id) violations.push(`${id}: its token does not map back`);
          }
          const all = await listAll({});
          if (new Set(all.map((r) => r.id)).size !== all.length) violations.push('list() returns an id twice');
          if ((await state.count()) !== all.length) violations.push(`count() ${await state.count()}, list() ${all.length}`);
          const listed = new Map(all.map((r) => [r.id, r]));
          for (const i of acked) if (!listed.has(`r-${i}`)) violations.push(`r-${i} missing from list()`);
          const filters: { status?: HumanRequestStatus; namespace?: string }[] = [
            ...STATUSES.map((status) => ({ status })),
            ...Array.from({ length: NAMESPACES }, (_, n) => ({ namespace: `ns-${n}` })),
            ...STATUSES.flatMap((status) => Array.from({ length: NAMESPACES }, (_, n) => ({ status, namespace: `ns-${n}` }))),
          ];
          for (const filter of filters) {
            const items = await listAll(filter);
            const count = await state.count(filter);
            const label = JSON.stringify(filter);
            if (count !== items.length) violations.push(`${label}: count ${count}, listed ${items.length}`);
            const expected = all.filter(
              (r) => (!filter.status || r.status === filter.status) && (!filter.namespace || r.namespace === filter.namespace),
            );
            if (expected.length !== items.length) violations.push(`${label}: listed ${items.length}, records say ${expected.length}`);
            for (const r of items) {
              const record = listed.get(r.id);
              if (!record) violations.push(`${label}: lists ${r.id}, which list() does not`);
              else if (record.status !== r.status || (filter.status && r.status !== filter.status)) {
                violations.push(`${label}: ${r.id} is ${record.status}`);
              }
              if (filter.namespace && r.namespace !== filter.namespace) violations.push(`${label}: ${r.id} in ${r.namespace}`);
            }
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            create: () => state.create(requestOf('probe', 0)),
            get: () => state.get('probe'),
            findByToken: () => state.findByToken('tok-probe'),
            setExternalId: () => state.setExternalId('probe', 'ext'),
            resolve: () => state.resolve('probe', resultOf('probe', 0)),
            list: () => state.list({ status: 'pending' }),
            count: () => state.count({ namespace: 'ns-0' }),
          };
        },
      };
    },
  };
}

describeFaults(hitlWorkload());
