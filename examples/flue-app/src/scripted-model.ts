import { type Context, fauxAssistantMessage, fauxProvider, fauxText, fauxToolCall } from '@earendil-works/pi-ai';

/** The model specifier the agent uses: Pi's faux provider under its default ids. */
export const SCRIPTED_MODEL = 'faux/faux-1';

/**
 * A deterministic stand-in for an LLM (Pi's `fauxProvider`, the test provider Flue's docs
 * point to), so the app runs without credentials. It behaves like a model following the
 * agent's instructions: after a user message it calls `count_visit`; after the tool result
 * it replies with the count the tool returned and how many user messages the conversation
 * holds. Both come from what Flue sent it: the conversation the runtime read back out of
 * Redis, and a tool result computed from agent state persisted there.
 */
export function scriptedModel() {
  const faux = fauxProvider();
  const respond = (context: Context) => {
    faux.appendResponses([respond]); // one queued step per call, forever
    const last = context.messages.at(-1);
    if (last?.role !== 'toolResult') return fauxAssistantMessage(fauxToolCall('count_visit', {}), { stopReason: 'toolUse' });
    const result = last.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    const visits = /visits: (\d+)/.exec(result)?.[1] ?? '?';
    const earlier = context.messages.filter((m) => m.role === 'user').length - 1;
    const said = earlier === 0 ? 'this is our first conversation' : `I remember ${earlier} earlier message(s)`;
    return fauxAssistantMessage(fauxText(`Welcome! Visit #${visits}; ${said}.`));
  };
  faux.setResponses([respond]);
  return faux;
}
