import type { Command } from 'commander';

export function registerValidate(cli: Command): void {
  cli
    .command('validate')
    .description('Check a programme plan file and print every problem with its path and line.')
    .argument('<file>', 'the plan file (YAML)')
    .action(async (_file: string) => {
      throw new Error('not implemented yet');
    });
}
