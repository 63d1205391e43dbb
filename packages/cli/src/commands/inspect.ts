import { inspectServer, type RedisClient } from '@redstate/core';
import type { GlobalOptions } from '../args.js';
import { EXIT_REFUSED } from '../cli-error.js';
import type { CommandResult } from '../command-result.js';

export async function inspectCommand(client: RedisClient, options: GlobalOptions): Promise<CommandResult> {
  const report = await inspectServer(client);
  const lines = [
    `Redis ${report.version} (${report.mode}, ${report.nodes.length} ${report.nodes.length === 1 ? 'node' : 'masters'})`,
    `maxmemory-policy: ${report.maxmemoryPolicy ?? 'unknown'}`,
    `persistence: AOF ${fmt(report.persistence.aof)}${report.persistence.appendfsync ? ` (appendfsync ${report.persistence.appendfsync})` : ''}, RDB ${fmt(report.persistence.rdb)}`,
  ];
  if (report.warnings.length === 0) lines.push('no warnings: safe for durable state');
  for (const w of report.warnings) lines.push(`warning ${w.code}: ${w.message}`, `  fix: ${w.fix}`);
  const exitCode = options.strict && report.warnings.length > 0 ? EXIT_REFUSED : 0;
  return { json: report, text: lines.join('\n'), exitCode };
}

function fmt(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'on' : 'off';
}
