import type { Command } from 'commander';

/**
 * Every command of the CLI, one file each. A command is registered here when
 * it works, not before.
 */
export function registerCommands(_program: Command): void {
  // filled in as commands land
}
