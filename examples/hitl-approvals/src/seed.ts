import type { ApprovalEngine, Filed } from './engine.ts';

const approveDeny = [
  { id: 'approve', label: 'Approve', style: 'primary' },
  { id: 'deny', label: 'Deny', style: 'danger' },
] as const;

export interface Seeded {
  readonly deploy: Filed;
  readonly refund: Filed;
  readonly expenses: { readonly batchId: string; readonly requests: readonly Filed[] };
}

/** A few requests from three "workflow runs", as the engine would file them. */
export async function seed(engine: ApprovalEngine): Promise<Seeded> {
  const deploy = await engine.requestApproval({
    threadId: 'run-deploy-42',
    channel: 'slack',
    namespace: 'deploys',
    message: 'Deploy api v2.3.1 to production?',
    actions: approveDeny,
    context: { service: 'api', version: '2.3.1' },
  });
  const refund = await engine.requestApproval({
    threadId: 'run-refund-7',
    channel: 'email',
    namespace: 'payments',
    message: 'Refund order #1009 (EUR 420)?',
    actions: [...approveDeny, { id: 'partial', label: 'Refund half' }],
    context: { orderId: 1009, amountCents: 42_000 },
  });
  const expenses = await engine.requestBatch({
    threadId: 'run-expenses-nov',
    channel: 'slack',
    namespace: 'payments',
    message: 'November expense reports',
    actions: approveDeny,
    items: [
      { message: 'Train to Lyon, EUR 89', context: { reportId: 'exp-1' } },
      { message: 'Hotel, 2 nights, EUR 310', context: { reportId: 'exp-2' } },
      { message: 'Conference ticket, EUR 650', context: { reportId: 'exp-3' } },
    ],
  });
  return { deploy, refund, expenses };
}
