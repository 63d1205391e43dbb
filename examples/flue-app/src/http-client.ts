// A few lines of Flue's streaming protocol (what @flue/sdk wraps), enough for main.ts and the tests.

export interface Admission {
  readonly streamUrl: string;
  readonly offset: string;
  readonly submissionId: string;
  readonly uid: string;
}

export interface Chunk {
  readonly type: string;
  readonly submissionId?: string;
  readonly outcome?: string;
}

export interface Snapshot {
  readonly offset: string;
  readonly messages: readonly { readonly role: string; readonly parts: readonly { readonly type: string; readonly text?: string }[] }[];
  readonly settlements: readonly { readonly submissionId: string; readonly outcome: string }[];
}

/** `POST /:id` with a user message; resolves at admission (202), before the agent runs. */
export async function postMessage(agentUrl: string, id: string, body: string): Promise<Admission> {
  const res = await fetch(`${agentUrl}/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'user', body }),
  });
  if (res.status !== 202) throw new Error(`POST ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Admission;
}

/** Long-polls `GET /:id?view=updates` from `offset` until `submissionId` settles; returns every chunk seen. */
export async function waitForSettlement(agentUrl: string, id: string, offset: string, submissionId: string): Promise<Chunk[]> {
  const seen: Chunk[] = [];
  let from = offset;
  for (;;) {
    const res = await fetch(`${agentUrl}/${encodeURIComponent(id)}?view=updates&offset=${from}&live=long-poll`);
    if (res.status !== 200) throw new Error(`GET ${id} updates: ${res.status} ${await res.text()}`);
    const chunks = (await res.json()) as Chunk[];
    seen.push(...chunks);
    if (chunks.some((c) => c.type === 'submission-settled' && c.submissionId === submissionId)) return seen;
    from = res.headers.get('stream-next-offset') ?? from;
  }
}

/** `GET /:id`: the materialized conversation. */
export async function snapshot(agentUrl: string, id: string): Promise<Snapshot> {
  const res = await fetch(`${agentUrl}/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`GET ${id}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Snapshot;
}

/** The text of a snapshot message. */
export function textOf(message: Snapshot['messages'][number]): string {
  return message.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}
