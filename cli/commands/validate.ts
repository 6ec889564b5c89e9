// `pilotflow validate <file>`: checks a plan file and prints a summary, or every problem with its path and line.
import type { Command } from 'commander';

export function registerValidate(cli: Command): void {
  cli
    .command('validate')
    .description('Check a programme plan file and print every problem with its path and line.')
    .argument('<file>', 'the plan file (YAML)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      process.exitCode = await validate(file, options.json === true);
    });
}

async function validate(file: string, json: boolean): Promise<number> {
  // Loaded on use, so that other commands do not pay for zod and yaml at start-up.
  const { formatProblem, loadPlanFile, PlanFileError } = await import('#plan/load.ts');
  let result: Awaited<ReturnType<typeof loadPlanFile>>;
  try {
    result = await loadPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    if (json) console.log(JSON.stringify({ file, ok: false, error: error.message }, null, 2));
    else console.error(error.message);
    return 1;
  }
  if (result.ok) {
    const { programme, pilots, units } = result.plan;
    if (json) {
      console.log(
        JSON.stringify(
          { file, ok: true, programme: programme.id, pilots: pilots.length, units: units.length },
          null,
          2,
        ),
      );
    } else {
      console.log(
        `${file}: valid plan "${programme.id}" (${programme.title}), ${pilots.length} pilots, ${units.length} units`,
      );
    }
    return 0;
  }
  const { problems } = result;
  if (json) {
    console.log(JSON.stringify({ file, ok: false, problems }, null, 2));
  } else {
    for (const problem of problems) console.log(formatProblem(problem));
    console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}`);
  }
  return 1;
}
