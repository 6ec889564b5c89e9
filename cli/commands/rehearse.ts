// `pilotflow rehearse [plan]`: runs a whole programme on a fresh local cloud, playing every official through
// the e-mailed links, with time skipping ahead whenever everything waits on a timer (local/rehearsal/).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

interface RehearseCliOptions {
  json?: boolean;
  scenario: string;
  dataDir?: string;
  assemblyDir?: string;
  concurrency: number;
  verbose?: boolean;
}

const SAMPLE_PLAN = fileURLToPath(new URL('../../plans/sample.yaml', import.meta.url));
/** Assemblies of rehearsals on temporary data directories: kept, so the next rehearsal need not bundle. */
const ASSEMBLY_CACHE = fileURLToPath(
  new URL('../../node_modules/.cache/pilotflow/rehearsal-assemblies', import.meta.url),
);

function positive(label: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${label} must be a whole number ≥ 1`);
    return n;
  };
}

export function registerRehearse(cli: Command): void {
  cli
    .command('rehearse')
    .description(
      'Rehearse a programme end to end on a fresh local cloud: launch the plan, play every official through the ' +
        'e-mailed links (open the page, fill the form, submit) as the scenario says, skip time ahead whenever ' +
        'everything waits on a timer, and report how each pilot ended. Exits 0 only if the programme finished ' +
        'as the scenario expects.',
    )
    .argument('[plan]', 'the plan file (YAML)', SAMPLE_PLAN)
    .option('--json', 'print one JSON object on stdout instead of the summary (progress goes to stderr)')
    .option('--scenario <name>', 'how the officials answer: default', 'default')
    .option(
      '--data-dir <dir>',
      "the local cloud's data directory (default: a temporary one, removed after a rehearsal as expected); " +
        'given again after an interruption, the rehearsal continues where it stopped',
    )
    .option(
      '--assembly-dir <dir>',
      'where synthesised assemblies are kept (default: <data-dir>/assembly, or a cache under node_modules/.cache)',
    )
    .option('--concurrency <n>', 'sandboxes per function', positive('--concurrency'), 2)
    .option('--verbose', 'show every decision, not only returns, problems and escalations')
    .addHelpText(
      'after',
      `
The escalation sweep and the callback retry run once a day in a rehearsal (CDK context
escalationDailyAt="12:00" in the plan's zone, callbackRetryRate="1 day"; hourly by default), so a year takes seconds.
The default scenario: one pilot's implementation plan is returned once; one pilot's second supervision check
finds problems (rectified; the verification returns it once); one pilot answers its self-inspection only after
the reminder and the overdue escalation; one community is returned at the preliminary evaluation; one pilot
fails its first acceptance and passes the second; everyone else approves at once.`,
    )
    .action(async (plan: string, options: RehearseCliOptions) => {
      process.exitCode = await run(plan, options);
    });
}

async function run(plan: string, options: RehearseCliOptions): Promise<number> {
  // Loaded on use, so that other commands do not pay for the local cloud at start-up.
  const { rehearse, RehearsalError } = await import('#local/rehearsal/driver.ts');
  const { reportJson, reportText, unexpectedLines } = await import('#local/rehearsal/report.ts');
  const { SCENARIOS } = await import('#local/rehearsal/scenarios/index.ts');
  const { rehearsalWords } = await import('#local/rehearsal/words.ts');
  const { localeOfText } = await import('#plan/load.ts');
  const { InvalidPlanError, PlanFileError } = await import('#plan/load.ts');
  const { DataDirInUseError, JavaMissingError } = await import('#local/cloud/index.ts');
  // The plan's language, read before the plan is checked (zh-CN when the file is too broken to say).
  const words = rehearsalWords(localeOfText(readTextOrEmpty(plan)));
  const scenario = SCENARIOS[options.scenario];
  if (!scenario) {
    console.error(words.noScenario(options.scenario, Object.keys(SCENARIOS)));
    return 1;
  }
  // Progress goes to stderr (README): stdout holds only the result, the summary or the JSON object.
  const out = (line: string) => console.error(line);
  const onSignal = (signal: NodeJS.Signals) => {
    // The local cloud's exit handlers stop DynamoDB Local and release the data directory; everything it
    // committed stays, so the same --data-dir continues the rehearsal.
    console.error(words.stopped(signal, options.dataDir));
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await rehearse({
      plan,
      scenario,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.assemblyDir
        ? { assemblyDir: options.assemblyDir }
        : options.dataDir
          ? {}
          : { assemblyDir: ASSEMBLY_CACHE }),
      concurrency: options.concurrency,
      verbose: options.verbose === true,
      progress: out,
    });
    if (options.json) console.log(JSON.stringify(reportJson(report), null, 2));
    else console.log(`\n${reportText(report, words)}`);
    if (!report.expected) {
      // With --json the summary is not printed: the differences also go to stderr, so that a script or a test
      // that shows only stderr still says why the rehearsal failed.
      if (options.json) for (const line of unexpectedLines(report, words)) out(line);
      out(words.keptDataDir(report.dataDir));
    }
    return report.expected ? 0 : 1;
  } catch (error) {
    if (
      error instanceof RehearsalError ||
      error instanceof InvalidPlanError ||
      error instanceof PlanFileError ||
      error instanceof DataDirInUseError ||
      error instanceof JavaMissingError
    ) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The file's text, or '' when it cannot be read (the rehearsal then refuses it with the reason). */
function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
