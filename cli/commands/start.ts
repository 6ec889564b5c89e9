// `pilotflow start`: runs the CDK app's assembly as the local cloud until Ctrl-C.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { type LocalCloud, startLocalCloud } from '#local/cloud/index.ts';

interface StartOptions {
  dataDir: string;
  port: number;
  host: string;
  clock?: string;
  speed: number;
  plan?: string;
  launch: boolean;
  app?: string;
  resynth?: boolean;
  assemblyDir?: string;
}

/** How long the process may outlive a completed stop before it is ended anyway (see the guard below). */
const EXIT_GUARD_MS = 10_000;

function number(label: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${label} must be a number ≥ ${min}`);
    return n;
  };
}

export function registerStart(cli: Command): void {
  cli
    .command('start')
    .description(
      'Run PilotFlow on this machine (the "local cloud"): synthesise the CDK app and run its functions, tables, ' +
        'state machines, HTTP API, schedules and e-mail locally, on a clock you can set, advance and speed up.',
    )
    .option('--data-dir <dir>', 'where the local cloud keeps its state (survives a restart)', '.pilotflow')
    .option(
      '--port <port>',
      'port of the HTTP API; the other services take the following free ports',
      number('--port', 0),
      3000,
    )
    .option(
      '--host <host>',
      'interface to listen on; on a loopback address only loopback Host names are answered',
      '127.0.0.1',
    )
    .option(
      '--clock <time>',
      'where the clock starts: an ISO date-time, plan-start or now (default: the stored time, else plan-start)',
    )
    .option(
      '--speed <factor>',
      'virtual seconds per real second (0 pauses the clock)',
      number('--speed', 0),
      1,
    )
    .option('--plan <file>', 'programme plan launched once per data directory (default plans/sample.yaml)')
    .option('--no-launch', 'do not launch the plan')
    .option('--app <file>', "the CDK app's entry file (default: cdk.json's app)")
    .option('--resynth', 'synthesise the app even if its inputs have not changed')
    .option(
      '--assembly-dir <dir>',
      'where synthesised assemblies are kept (default <data-dir>/assembly); one folder can serve many data directories',
    )
    .addHelpText(
      'after',
      `
While it runs, the clock answers at {api}/_local/clock (Authorization: Bearer <admin token>):
  GET                          the clock's state
  POST {"set": "2023-03-01T09:00:00+08:00"}   jump to a time (forward fires every timer due, in order)
  POST {"advance": "P3D"}      move forward by an ISO 8601 duration (weeks, days, hours, minutes, seconds)
  POST {"advance": "next"}     move to the next timer and fire it
  POST {"speed": 60}           one real second = one virtual minute
The endpoints and the admin token are written to <data-dir>/endpoints.json.`,
    )
    .action(async (options: StartOptions, command: Command) => {
      // Everything this process and its children (DynamoDB Local's JVM, the bundler) create is this user's
      // only: the data directory holds every signed link and the task tokens.
      process.umask(0o077);
      // An explicit --port must be free; without one, 3000 is tried and another free port taken if it is busy.
      const portGiven = command.getOptionValueSource('port') === 'cli';
      const started = performance.now();
      const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`.padStart(6);
      // Signals are handled from the first moment: while starting, Ctrl-C exits at once (the exit handlers
      // kill DynamoDB Local and release the data directory); once running, it stops everything cleanly; a
      // second Ctrl-C while stopping exits at once.
      let cloud: LocalCloud | undefined;
      let stopping = false;
      let onSignal: (signal: NodeJS.Signals) => void = () => {};
      const stopped = new Promise<void>((resolve) => {
        onSignal = (signal) => {
          if (!cloud || stopping) {
            console.log(`\n${signal}: exiting now.`);
            process.exit(130);
          }
          stopping = true;
          console.log(`\n${signal}: stopping…`);
          cloud.stop().then(resolve, (error: Error) => {
            console.error(`could not stop cleanly: ${error.message}`);
            resolve();
          });
        };
      });
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        cloud = await startLocalCloud({
          dataDir: options.dataDir,
          ...(portGiven ? { port: options.port } : {}),
          host: options.host,
          ...(options.clock !== undefined ? { clock: options.clock } : {}),
          speed: options.speed,
          ...(options.plan !== undefined ? { plan: options.plan } : {}),
          launch: options.launch,
          ...(options.app !== undefined ? { app: options.app } : {}),
          reuseAssembly: !options.resynth,
          ...(options.assemblyDir !== undefined ? { assemblyDir: options.assemblyDir } : {}),
          onProgress: (line) => console.log(`${elapsed()}  ${line}`),
          log: (line) => console.warn(`${new Date().toISOString()}  ${line}`),
        });
        const e = cloud.endpoints;
        console.log(`
PilotFlow is running locally (ready in ${elapsed().trim()}).
  Dashboard       ${e.dashboard}${e.signInUrl ? `\n  Sign in         ${e.signInUrl}` : ''}
  Mailbox         ${e.mailbox}
  HTTP API        ${e.api}
  Step Functions  ${e.stepfunctions}
  DynamoDB        ${e.dynamodb}
  Admin token     ${e.adminToken}
  Clock           ${new Date(cloud.clock.now()).toISOString()} at speed ${cloud.clock.speed}
Endpoints as JSON: ${cloud.dataDir}/endpoints.json
Press Ctrl-C to stop.`);
        await stopped;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      console.log('stopped.');
      // A last guard, not the fix: once stopped, nothing of the local cloud holds the event loop and the
      // process ends by itself within a second. Should something still hold it (a leak), it is named and the
      // process ends anyway, with status 1, rather than keep running unseen (issue 16, item 12). Unref'd, so
      // the guard itself holds nothing.
      setTimeout(() => {
        console.error(
          `still running ${EXIT_GUARD_MS / 1000} s after the stop, held by ${process.getActiveResourcesInfo().join(', ') || 'nothing known'}: exiting`,
        );
        process.exit(1);
      }, EXIT_GUARD_MS).unref();
    });
}
