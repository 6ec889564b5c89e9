// The command-line interface: one commander program, one module per command under cli/commands/.
import { Command, CommanderError } from 'commander';
import { registerKeys } from './commands/keys.ts';
import { registerLaunch } from './commands/launch.ts';
import { registerRehearse } from './commands/rehearse.ts';
import { registerStart } from './commands/start.ts';
import { registerStepFunctions } from './commands/stepfunctions.ts';
import { registerValidate } from './commands/validate.ts';

export function program(): Command {
  const cli = new Command('pilotflow')
    .description('Serverless workflow automation for government pilot programmes.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(cli);
  registerStart(cli);
  registerLaunch(cli);
  registerRehearse(cli);
  registerStepFunctions(cli);
  registerKeys(cli);
  return cli;
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
