import { RedisHitlState } from '@redstate/hitl';
import { RedisWorkflowRunService, RedisWorkflowService } from '@redstate/workflow';
import { detail, step } from './report.mjs';

/**
 * A refund workflow whose second step waits for a human: the run is suspended while the
 * approval request sits in the hitl inbox, and continues when a reviewer resolves it.
 */
export async function runApprovalWorkflow({ server, prefix, sessionId }) {
  const client = server.connect();
  const workflows = new RedisWorkflowService(client, { keyPrefix: `${prefix}:workflow` });
  const runs = new RedisWorkflowRunService(client, { keyPrefix: `${prefix}:workflow` });
  const hitl = new RedisHitlState(client, { tableName: 'demo.human_requests' });
  try {
    const runId = await step('workflow: start a refund run', () =>
      workflows.createRun('refund', { orderId: 'o-1001', amount: 42, sessionId }, false, 'refund-v1', { type: 'demo' }),
    );
    detail(`run ${runId}`);

    const draft = await step('step "draft-reply": the agent session above', async () => {
      const s = await workflows.insertStepState(runId, 'draft-reply', 'draftReply', { sessionId });
      await workflows.setStepRunning(s.stepId);
      await workflows.setStepResult(s.stepId, { sessionId, streamed: true });
      return s;
    });
    detail(`step ${draft.stepId} succeeded`);

    const approval = await step('step "approve": ask a human, suspend the run', async () => {
      const s = await workflows.insertStepState(runId, 'approve', null, { amount: 42 });
      await workflows.setStepRunning(s.stepId);
      await hitl.create({
        id: `approve-${runId}`,
        token: `${runId}:${s.stepId}`,
        channel: 'slack',
        namespace: 'refunds',
        message: 'Approve a $42 refund for order o-1001?',
        actions: [
          { id: 'approve', label: 'Approve', style: 'primary' },
          { id: 'reject', label: 'Reject', style: 'danger' },
        ],
        context: { runId, orderId: 'o-1001' },
      });
      await workflows.updateRunStatus(runId, 'suspended');
      return s;
    });
    const pending = await hitl.count({ status: 'pending', namespace: 'refunds' });
    detail(`inbox "refunds": ${pending} pending; run status ${(await workflows.getRun(runId)).status}`);

    await step('a reviewer approves in the inbox', () =>
      hitl.resolve(`approve-${runId}`, {
        type: 'RESOLVED',
        actionId: 'approve',
        id: `approve-${runId}`,
        externalRef: 'slack:C123/1700000000.000100',
        by: { user: 'dana' },
        feedbacks: { note: 'ok, loyal customer' },
      }),
    );
    const resolved = await hitl.get(`approve-${runId}`);
    detail(`request ${resolved.status} by ${resolved.result.by.user} at ${resolved.resolvedAt}`);

    await step('the engine resumes: step result, run completed', async () => {
      const request = await hitl.findByToken(`${runId}:${approval.stepId}`);
      await workflows.updateRunStatus(runId, 'running');
      await workflows.setStepResult(approval.stepId, { approved: request.result.actionId === 'approve' });
      await workflows.updateRunStatus(runId, 'completed', { refunded: 42 });
    });

    const history = await workflows.getRunHistory(runId);
    for (const h of history) detail(`history: ${h.stepName.padEnd(12)} ${h.status}`);
    const listed = await step('console: newest completed refund runs (from the index)', () =>
      runs.listRunsPage({ workflowName: 'refund', status: 'completed', limit: 5 }),
    );
    detail(`${listed.runs.length} run(s) listed: ${listed.runs.map((r) => r.id).join(', ')}`);
    return { runId, run: await workflows.getRun(runId), history, request: resolved };
  } finally {
    client.disconnect();
  }
}
