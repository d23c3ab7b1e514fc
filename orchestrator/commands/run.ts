import type { Command } from 'commander';

export function registerRun(program: Command): void {
  program.command('run').description('simulate one configuration on one trace (being built)');
}
