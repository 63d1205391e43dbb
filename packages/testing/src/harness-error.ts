/** The harness could not provide a Redis server; the message says how to get one. */
export class HarnessError extends Error {
  readonly code = 'HARNESS';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

export const INSTALL_HINT = [
  'redstate tests need a real Redis server. Any one of these works:',
  '  - set REDIS_URL=redis://host:port to use a server you run',
  '  - install redis-server on PATH (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)',
  '  - run a Docker engine and install @testcontainers/redis',
].join('\n');
