// Runs in a separate Node process: appends one batch to a stream through the adapter source.
// Usage: node --experimental-transform-types test/append-process.mjs <endpoint: redis:// or redis-cluster://> <prefix> <path> <producerJson> <sequence>
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      try { return await next(specifier, context); }
      catch (error) {
        if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(specifier.slice(0, -3) + '.ts', context);
        throw error;
      }
    }`)}`,
);

const [url, prefix, path, producerJson, sequence] = process.argv.slice(2);
const { connectTo } = await import('@redstate/testing');
const { flueRedis } = await import('../src/index.ts');
const client = connectTo(url);
const adapter = flueRedis(client, { keyPrefix: prefix, inspectServer: false });
const { conversationStreamStore } = await adapter.connect();
const producer = JSON.parse(producerJson);
const record = {
  v: 1,
  id: `from-child-${sequence}`,
  type: 'user_message',
  conversationId: 'conv_test',
  harness: 'default',
  session: 'default',
  timestamp: '2026-06-25T00:00:00.000Z',
  messageId: `m_${sequence}`,
  parentId: null,
  content: [{ type: 'text', text: 'hi' }],
};
const { offset } = await conversationStreamStore.append({ path, ...producer, producerSequence: Number(sequence), records: [record] });
process.stdout.write(offset);
await adapter.close();
await client.quit();
