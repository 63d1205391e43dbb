import { defineTool, useModel, usePersistentState, useTool } from '@flue/runtime';
import { SCRIPTED_MODEL } from './scripted-model.ts';

/**
 * The agent: counts visits in durable agent state (written by its tool) and greets. The
 * instructions stay constant on purpose: Flue narrates every change of instructions into the
 * conversation, which would only add noise here.
 */
export function VisitCounter() {
  useModel(SCRIPTED_MODEL, { thinkingLevel: 'off' });
  const [, setVisits] = usePersistentState('visits', 0);
  useTool(
    defineTool({
      name: 'count_visit',
      description: 'Record one more visit and return the new total.',
      run: () => {
        let total = 0;
        setVisits((previous) => {
          total = previous + 1;
          return total;
        });
        return `visits: ${total}`;
      },
    }),
  );
  return 'You greet visitors. Call count_visit once per user message, then reply with the count.';
}
