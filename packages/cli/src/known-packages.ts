import type { PackageAdapter } from './package-adapter.js';

/** Every @redstate package the CLI can migrate and report on. */
export const knownPackages: readonly PackageAdapter[] = [];
