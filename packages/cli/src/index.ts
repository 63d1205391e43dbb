export { CliError, EXIT_REFUSED, EXIT_USAGE } from './cli-error.js';
export { knownPackages } from './known-packages.js';
export type { IndexKey, IndexType, PackageAdapter, PackageModule } from './package-adapter.js';
export { type CliIo, runCli } from './run-cli.js';
