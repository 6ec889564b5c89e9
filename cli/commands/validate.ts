// `pilotflow validate <file>`: checks a plan file and prints a summary, or every problem with its path and line,
// in the plan's language (`programme.locale`; zh-CN when the plan is too broken to say).
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
  const { formatProblem, loadPlanFile, PlanFileError, problemCount } = await import('#plan/load.ts');
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
      // In the plan's language, like its problems.
      console.log(
        programme.locale === 'zh-CN'
          ? `${file}：方案有效：“${programme.id}”（${programme.title}），${pilots.length} 个试点，${units.length} 个单位`
          : `${file}: valid plan "${programme.id}" (${programme.titleEn}), ${pilots.length} pilots, ${units.length} units`,
      );
    }
    return 0;
  }
  const { problems } = result;
  if (json) {
    console.log(JSON.stringify({ file, ok: false, problems }, null, 2));
  } else {
    for (const problem of problems) console.log(formatProblem(problem, result.locale));
    console.log(problemCount(file, problems.length, result.locale));
  }
  return 1;
}
