import { Socket } from 'node:net';

// Round trips are counted on the client: every request ioredis sends to the server is one
// socket write (a pipeline is written in one go). Server counters cannot tell them apart:
// INFO commandstats also counts the commands a Lua script runs inside the server.
let installed = false;
const writes = new Map<number, number>();

export function countSocketWrites(): void {
  if (installed) return;
  installed = true;
  const original = Socket.prototype.write;
  Socket.prototype.write = function patchedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    const port = this.remotePort;
    if (port !== undefined) writes.set(port, (writes.get(port) ?? 0) + 1);
    return original.apply(this, args);
  } as Socket['write'];
}

export function socketWrites(port: number): number {
  return writes.get(port) ?? 0;
}
