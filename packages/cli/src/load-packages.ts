import { CliError, EXIT_USAGE } from './cli-error.js';
import type { PackageAdapter, PackageModule } from './package-adapter.js';

export interface LoadedPackage {
  readonly adapter: PackageAdapter;
  readonly mod: PackageModule;
}

async function tryImport(specifier: string): Promise<PackageModule | undefined> {
  try {
    return (await import(specifier)) as PackageModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * The packages a command acts on: the named ones (each must be installed), or every
 * known package that is installed next to the CLI.
 */
export async function loadPackages(adapters: readonly PackageAdapter[], names: readonly string[]): Promise<LoadedPackage[]> {
  for (const name of names) {
    if (!adapters.some((a) => a.name === name)) {
      throw new CliError(`unknown package ${JSON.stringify(name)}; known: ${adapters.map((a) => a.name).join(', ')}`, EXIT_USAGE);
    }
  }
  const wanted = names.length > 0 ? adapters.filter((a) => names.includes(a.name)) : adapters;
  const loaded: LoadedPackage[] = [];
  for (const adapter of wanted) {
    const mod = await tryImport(adapter.module);
    if (mod) loaded.push({ adapter, mod });
    else if (names.length > 0) {
      throw new CliError(`${adapter.module} is not installed; run npm install ${adapter.module}`, EXIT_USAGE);
    }
  }
  if (loaded.length === 0) {
    throw new CliError('no @redstate packages are installed next to the CLI; install the ones your app uses', EXIT_USAGE);
  }
  return loaded;
}
