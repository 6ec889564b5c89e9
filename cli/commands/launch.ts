// `pilotflow launch <plan>`: launches a programme from its plan file — on the running local cloud of a data
// directory, or on AWS through the launch function of a deployed stack — after checking the plan here first, so
// that a broken plan is refused with every problem and its line, and nothing is launched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

interface LaunchOptions {
  dataDir: string;
  stack?: string;
  region?: string;
  json?: boolean;
}

/** The stack output that names the launch function (infra/stack.ts). */
export const LAUNCH_OUTPUT = 'LaunchFunctionName';

export function registerLaunch(cli: Command): void {
  cli
    .command('launch')
    .description(
      'Launch a programme from its plan file: on the running local cloud (--data-dir), or on AWS (--stack). ' +
        'The plan is checked first; a plan with problems is refused and nothing is launched. Launching the same ' +
        'plan twice starts it once.',
    )
    .argument('<plan>', 'the plan file (YAML)')
    .option('--data-dir <dir>', 'the running local cloud’s data directory', '.pilotflow')
    .option('--stack <name>', 'launch on AWS, with the launch function of this deployed stack')
    .option('--region <region>', 'the stack’s region (default: the AWS CLI’s configuration)')
    .option('--json', 'print the result as JSON')
    .action(async (plan: string, options: LaunchOptions) => {
      process.exitCode = await launch(plan, options);
    });
}

class LaunchError extends Error {}

async function launch(file: string, options: LaunchOptions): Promise<number> {
  // Loaded on use, so that other commands do not pay for zod, yaml and the SDK at start-up.
  const { formatProblem, loadPlanFile, PlanFileError, problemCount } = await import('#plan/load.ts');
  let parsed: Awaited<ReturnType<typeof loadPlanFile>>;
  try {
    parsed = await loadPlanFile(file);
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    return refuse(options, { file, error: error.message }, error.message);
  }
  if (!parsed.ok) {
    // In the plan's language, as `pilotflow validate` prints them.
    const { problems, locale } = parsed;
    const count = problemCount(file, problems.length, locale);
    return refuse(
      options,
      { file, problems },
      [
        ...problems.map((p) => formatProblem(p, locale)),
        locale === 'zh-CN' ? `${count}：未启动任何内容` : `${count}: nothing was launched`,
      ].join('\n'),
    );
  }
  try {
    const target = options.stack
      ? await awsLauncher(options.stack, options.region)
      : await localLauncher(options.dataDir);
    console.error(`launching ${file} on ${target.where}…`);
    const result = await invokeLauncher(target, {
      planYaml: readFileSync(file, 'utf8'),
      source: file,
    });
    if (options.json) console.log(JSON.stringify({ file, ok: true, ...result }, null, 2));
    else {
      console.log(
        result.launched
          ? `${file}: programme "${result.programmeId}" launched with ${result.pilots} pilots\n  execution ${result.executionArn}`
          : `${file}: programme "${result.programmeId}" was already launched; nothing new started\n  execution ${result.executionArn}`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof LaunchError)) throw error;
    return refuse(options, { file, error: error.message }, error.message);
  }
}

function refuse(options: LaunchOptions, json: object, text: string): number {
  if (options.json) console.log(JSON.stringify({ ok: false, ...json }, null, 2));
  else console.error(text);
  return 1;
}

interface Launcher {
  where: string;
  functionName: string;
  client: import('@aws-sdk/client-lambda').LambdaClient;
}

/** The local cloud's launcher, from the endpoints.json it writes while it runs. */
async function localLauncher(dataDir: string): Promise<Launcher> {
  let endpoints: { lambda?: string; launcher?: string };
  try {
    endpoints = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8'));
  } catch {
    throw new LaunchError(
      `no local cloud is running with the data directory ${dataDir} (no endpoints.json): start one with ` +
        '`npx pilotflow start --no-launch`, or give its --data-dir, or launch on AWS with --stack <name>',
    );
  }
  if (!endpoints.lambda || !endpoints.launcher) {
    throw new LaunchError(
      `the local cloud of ${dataDir} has no function marked as the launcher (its endpoints.json names none)`,
    );
  }
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return {
    where: `the local cloud of ${dataDir}`,
    functionName: endpoints.launcher,
    client: new LambdaClient({
      endpoint: endpoints.lambda,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  };
}

/** The launch function of a deployed stack, from its LaunchFunctionName output. */
async function awsLauncher(stackName: string, region: string | undefined): Promise<Launcher> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = new CloudFormationClient(region ? { region } : {});
  let outputs: Array<{ OutputKey?: string; OutputValue?: string }>;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    throw new LaunchError(`the stack ${stackName} could not be read: ${(error as Error).message}`);
  }
  const functionName = outputs.find((o) => o.OutputKey === LAUNCH_OUTPUT)?.OutputValue;
  if (!functionName) {
    throw new LaunchError(
      `the stack ${stackName} has no ${LAUNCH_OUTPUT} output: deploy this version of PilotFlow (cdk deploy) first`,
    );
  }
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return {
    where: `the stack ${stackName}`,
    functionName,
    client: new LambdaClient(region ? { region } : {}),
  };
}

interface LaunchResult {
  programmeId: string;
  executionArn: string;
  launched: boolean;
  pilots: number;
}

async function invokeLauncher(
  launcher: Launcher,
  input: { planYaml: string; source: string },
): Promise<LaunchResult> {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  let answer: import('@aws-sdk/client-lambda').InvokeCommandOutput;
  try {
    answer = await launcher.client.send(
      new InvokeCommand({
        FunctionName: launcher.functionName,
        Payload: Buffer.from(JSON.stringify(input)),
      }),
    );
  } catch (error) {
    throw new LaunchError(`${launcher.where} did not take the launch: ${(error as Error).message}`);
  }
  const body = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
  if (answer.FunctionError) {
    let message = body;
    try {
      const parsed = JSON.parse(body) as { errorType?: string; errorMessage?: string };
      message = `${parsed.errorType ?? 'Error'}: ${parsed.errorMessage ?? body}`;
    } catch {}
    throw new LaunchError(`the launch function refused the plan: ${message}`);
  }
  return JSON.parse(body) as LaunchResult;
}
