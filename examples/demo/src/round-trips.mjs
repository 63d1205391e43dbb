import { Socket } from 'node:net';

// Round trips are counted on the client: each request ioredis sends is one socket write
// (a pipeline goes out in one write). The server's own counters cannot tell round trips
// apart because INFO commandstats also counts the commands a Lua script runs.
let writes = 0;
let port = 0;

export function countRoundTrips(serverPort) {
  port = serverPort;
  const original = Socket.prototype.write;
  Socket.prototype.write = function countedWrite(...args) {
    if (this.remotePort === port) writes++;
    return original.apply(this, args);
  };
}

export function roundTrips() {
  return writes;
}
