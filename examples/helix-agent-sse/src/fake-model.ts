// A deterministic stand-in for an LLM: the same prompt always gives the same turns, so a
// resumed run can re-create exactly the output a crashed run had started to stream.

export interface ToolCall {
  readonly id: string;
  readonly name: 'count_words';
  readonly args: { readonly text: string };
}

export interface ModelTurn {
  /** The assistant text, streamed as these pieces. */
  readonly deltas: readonly string[];
  readonly toolCall?: ToolCall;
  /** Last turn of the run. */
  readonly done: boolean;
  readonly model: string;
  readonly tokens: { readonly prompt: number; readonly completion: number };
}

export const MODEL_NAME = 'fake-helix-1';
export const STEP_COUNT = 3;

function pieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function turn(text: string, done: boolean, historyChars: number, toolCall?: ToolCall): ModelTurn {
  const deltas = pieces(text);
  return {
    deltas,
    toolCall,
    done,
    model: MODEL_NAME,
    tokens: { prompt: Math.ceil(historyChars / 4), completion: deltas.length },
  };
}

/** The model's turn for step `step` (1-based) of a run on `prompt`. */
export function fakeModel(prompt: string, step: number): ModelTurn {
  const history = prompt.length + step * 40;
  if (step === 1) {
    return turn('Let me count the words of your request first.', false, history, {
      id: 'call-count-words',
      name: 'count_words',
      args: { text: prompt },
    });
  }
  if (step === 2) {
    return turn(`Your request has ${words(prompt).length} words. Reading it backwards:`, false, history);
  }
  if (step === STEP_COUNT) {
    return turn(`${words(prompt).reverse().join(' ')}. Done.`, true, history);
  }
  throw new RangeError(`the fake model has no step ${step}`);
}

/** The one tool of the example. */
export function runTool(call: ToolCall): { words: number } {
  return { words: words(call.args.text).length };
}

/** Everything the assistant says over a whole run, concatenated (what an SSE client should assemble). */
export function expectedText(prompt: string): string {
  let text = '';
  for (let step = 1; step <= STEP_COUNT; step++) text += fakeModel(prompt, step).deltas.join('');
  return text;
}
