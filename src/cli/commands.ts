import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandEntry {
  /** The names the command answers to (its name and aliases). */
  names: readonly string[];
  load: () => Promise<Register>;
}

/**
 * Every command of the CLI, one file each, in the order help lists them. A
 * command is registered here when it works, not before. Each file is loaded
 * only when its command runs (or help lists them all): a timer's poll and
 * `calsync --version` do not pay for the modules of health-check, systemd...
 */
const COMMANDS: readonly CommandEntry[] = [
  { names: ['poll'], load: async () => (await import('./poll.js')).registerPollCommand },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemoCommand },
  { names: ['config'], load: async () => (await import('./config.js')).registerConfigCommand },
  { names: ['auth'], load: async () => (await import('./auth.js')).registerAuthCommand },
  { names: ['watch'], load: async () => (await import('./watch.js')).registerWatch },
  { names: ['serve-webhook'], load: async () => (await import('./serve-webhook.js')).registerServeWebhook },
  { names: ['metrics'], load: async () => (await import('./metrics.js')).registerMetrics },
  {
    names: ['health-check', 'health'],
    load: async () => (await import('./health-check.js')).registerHealthCheck,
  },
  { names: ['status'], load: async () => (await import('./status.js')).registerStatus },
  { names: ['clean'], load: async () => (await import('./clean.js')).registerClean },
  { names: ['systemd'], load: async () => (await import('./systemd.js')).registerSystemd },
  { names: ['purge'], load: async () => (await import('./purge.js')).registerPurge },
  { names: ['explain'], load: async () => (await import('./explain.js')).registerExplain },
  { names: ['sandbox'], load: async () => (await import('./sandbox.js')).registerSandbox },
];

/**
 * The commands a command line needs: the one it names; none for a bare
 * `--version`; all of them otherwise (help, an unknown command, nothing given),
 * so help and usage errors read exactly as with every command loaded. The
 * root's options take no value but `--profile <name>`, so the first word that
 * is not an option, nor the word after `--profile`, is the command.
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const operand = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '--profile');
  if (operand === undefined && (args.includes('--version') || args.includes('-V'))) return [];
  const named = COMMANDS.find((c) => operand !== undefined && c.names.includes(operand));
  return named ? [named] : COMMANDS;
}

/** Registers the commands `args` (argv without node and the script) needs. */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const registers = await Promise.all(commandsFor(args).map((c) => c.load()));
  for (const register of registers) register(program);
}
