import type { Command } from 'commander';
import { loadSettings } from '../config/index.js';
import { OperationError, UsageError, errorMessage } from '../errors.js';
import { packageVersion } from '../metrics/package-version.js';
import { readState, writeFileAtomic } from '../state/index.js';
import { applyLogLevel, globalOptions } from './globals.js';

interface MetricsFlags {
  output?: string;
}

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('print the persisted metrics in Prometheus text format')
    .option(
      '--output <file>',
      'write them to <file> atomically instead (node_exporter textfile collector: a *.prom file in its directory)',
    )
    .action(async (flags: MetricsFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      // Prometheus text is the format: a JSON document would be a second one to keep in step.
      if (g.json)
        throw new UsageError('metrics prints the Prometheus text format only; --json does not apply', {
          hint: 'the same counters are in calsync poll --json and health-check --json',
        });
      const { settings } = loadSettings({ env: process.env });
      applyLogLevel(g, settings.logLevel);
      const { renderMetrics } = await import('../metrics/render.js');
      const text = await renderMetrics(await readState(settings.configDir), { version: packageVersion() });
      // Temp file in the same directory + rename: node_exporter never reads half a file.
      // 0644: node_exporter usually runs as another user; metrics hold no secret.
      if (!flags.output) {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFileAtomic(flags.output, text, 0o644, { createDir: false });
      } catch (err) {
        throw new OperationError(`cannot write ${flags.output}: ${errorMessage(err)}`, {
          cause: err,
          hint: 'check that the directory exists and this user may write to it',
        });
      }
    });
}
