import { type DispatchReceipt, init } from '@flue/runtime';
import { start } from '@flue/runtime/node';
import { flueRedis } from '@redstate/flue';
import type { Redis } from 'ioredis';
import { VisitCounter } from './agent.ts';
import { scriptedModel } from './scripted-model.ts';

export interface Turn {
  readonly receipt: DispatchReceipt;
  readonly reply: string;
}

/**
 * One "process lifetime" of the app: boots the Flue runtime with `flueRedis(client)` as its
 * persistence (what a `db.ts` default export does in a built Flue app), sends each message to
 * one agent instance and waits for the reply, then stops the runtime. Nothing is kept in
 * memory between boots: a later boot continues the conversation from Redis.
 */
export async function boot(client: Redis, keyPrefix: string, instanceId: string, messages: readonly string[]): Promise<Turn[]> {
  const db = flueRedis(client, { keyPrefix });
  const flue = await start({ agents: [VisitCounter], db, providers: [scriptedModel().provider] });
  try {
    const agent = init(VisitCounter, { id: instanceId });
    const turns: Turn[] = [];
    for (const message of messages) {
      const receipt = await agent.dispatch(message);
      const reply = await agent.read(receipt);
      turns.push({ receipt, reply: reply.text });
    }
    return turns;
  } finally {
    await flue.stop(); // drains, then calls db.close(): closes the adapter's subscriber, never `client`
  }
}

/** Where Flue keeps an agent instance's conversation (the stream path of `ConversationStreamStore`). */
export function conversationPath(instanceId: string): string {
  return `agents/${VisitCounter.name}/${instanceId}`;
}
