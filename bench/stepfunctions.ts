// Benchmark of the local Step Functions runtime (`npm run bench:stepfunctions`): state transitions per second
// for (a) one execution looping through a 200-state Pass/Choice cycle and (b) 1,000 concurrent executions of a
// 10-state machine with a Lambda task, durable on disk and in memory, against aws-local-stepfunctions (an
// in-memory interpreter) on the same definitions in the same process. Prints medians of `--runs N` runs (3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(args.runs);
const ROUNDS = 25;
const EXECUTIONS = 1000;
const ROLE = 'arn:aws:iam::123456789012:role/bench';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:score';

/** 200 states per round: a counter, 99 Pass, 99 Choice and the loop Choice. */
function loopMachine(rounds: number): object {
  const states: Record<string, object> = {
    Count: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'P1' },
  };
  for (let k = 1; k <= 99; k++) {
    states[`P${k}`] = { Type: 'Pass', Next: `C${k}` };
    states[`C${k}`] = {
      Type: 'Choice',
      Choices: [{ Variable: '$.i', NumericGreaterThan: 0, Next: k === 99 ? 'Loop' : `P${k + 1}` }],
      Default: 'Loop',
    };
  }
  states.Loop = {
    Type: 'Choice',
    Choices: [{ Variable: '$.i', NumericLessThan: rounds, Next: 'Count' }],
    Default: 'Done',
  };
  states.Done = { Type: 'Succeed' };
  return { StartAt: 'Count', States: states };
}
// Count..Loop is 200 states per round, then Done.
const LOOP_TRANSITIONS = ROUNDS * 200 + 1;

const tenStates = {
  StartAt: 'Receive',
  States: {
    Receive: { Type: 'Pass', Parameters: { 'pilot.$': '$.pilot', stage: 'Launch' }, Next: 'HasPilot' },
    HasPilot: {
      Type: 'Choice',
      Choices: [{ Variable: '$.pilot', IsPresent: true, Next: 'Score' }],
      Default: 'Reject',
    },
    Score: { Type: 'Task', Resource: FN, ResultPath: '$.score', Next: 'Note' },
    Note: { Type: 'Pass', Result: 'scored', ResultPath: '$.note', Next: 'Passed' },
    Passed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.score.value', NumericGreaterThanEquals: 60, Next: 'Accept' }],
      Default: 'Reject',
    },
    Accept: { Type: 'Pass', Result: true, ResultPath: '$.accepted', Next: 'Summarise' },
    Summarise: {
      Type: 'Pass',
      Parameters: { 'pilot.$': '$.pilot', 'accepted.$': '$.accepted' },
      Next: 'Check',
    },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.accepted', BooleanEquals: true, Next: 'Archive' }],
      Default: 'Reject',
    },
    Archive: { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Reject: { Type: 'Fail', Error: 'Rejected' },
  },
};
const TEN_TRANSITIONS = 10;

const score = async () => ({ value: 80 });

async function ours(dataDir: string | undefined, scenario: 'loop' | 'fanout'): Promise<number> {
  const runtime = await StepFunctionsRuntime.open({
    dataDir,
    invokeLambda: async () => ({ payload: await score() }),
  });
  try {
    const definition = JSON.stringify(scenario === 'loop' ? loopMachine(ROUNDS) : tenStates);
    const { stateMachineArn } = await runtime.createStateMachine({
      name: scenario,
      definition,
      roleArn: ROLE,
    });
    const before = runtime.transitions;
    const started = performance.now();
    const runs = scenario === 'loop' ? 1 : EXECUTIONS;
    const arns = await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        runtime.startExecution({
          stateMachineArn,
          name: `r${i}`,
          input: JSON.stringify({ i: 0, pilot: `p${i}` }),
        }),
      ),
    );
    await runtime.whenIdle();
    const seconds = (performance.now() - started) / 1000;
    for (const { executionArn } of [arns[0]!, arns.at(-1)!]) {
      const d = await runtime.describeExecution({ executionArn });
      if (d.status !== 'SUCCEEDED') throw new Error(`${scenario}: ${d.status} ${d.error} ${d.cause}`);
    }
    return (runtime.transitions - before) / seconds;
  } finally {
    await runtime.close();
  }
}

async function theirs(scenario: 'loop' | 'fanout'): Promise<number> {
  const machine = new StateMachine(
    (scenario === 'loop' ? loopMachine(ROUNDS) : tenStates) as StateMachineDefinition,
    {
      validationOptions: { checkArn: false, checkPaths: false },
    },
  );
  const runs = scenario === 'loop' ? 1 : EXECUTIONS;
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: runs },
      (_, i) =>
        machine.run({ i: 0, pilot: `p${i}` }, { overrides: { taskResourceLocalHandlers: { Score: score } } })
          .result,
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return ((scenario === 'loop' ? LOOP_TRANSITIONS : TEN_TRANSITIONS) * runs) / seconds;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs the three contenders in turns (durable, in memory, reference; again…) so that each meets the same load
 * on a shared machine, after one warm-up round; returns the median of each.
 */
async function measure(contenders: Array<() => Promise<number>>): Promise<number[]> {
  for (const run of contenders) await run();
  const values: number[][] = contenders.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, run] of contenders.entries()) values[k]!.push(await run());
  }
  return values.map(median);
}

const scenarios = [
  ['(a) 200-state Pass/Choice loop, 1 execution', 'loop'],
  ['(b) 1,000 concurrent executions, 10 states', 'fanout'],
] as const;

console.log(`Local Step Functions runtime: state transitions per second (median of ${RUNS} runs)\n`);
for (const [label, scenario] of scenarios) {
  const dir = mkdtempSync(join(tmpdir(), 'pilotflow-bench-'));
  let n = 0;
  const [durable, memory, reference] = (await measure([
    () => ours(join(dir, String(n++)), scenario),
    () => ours(undefined, scenario),
    () => theirs(scenario),
  ])) as [number, number, number];
  rmSync(dir, { recursive: true, force: true });
  console.log(label);
  console.log(`  durable (node:sqlite, WAL)      ${durable.toFixed(0).padStart(8)} /s`);
  console.log(`  in memory (:memory:)            ${memory.toFixed(0).padStart(8)} /s`);
  console.log(`  aws-local-stepfunctions         ${reference.toFixed(0).padStart(8)} /s`);
  console.log(`  durable ÷ aws-local-stepfunctions   ${(durable / reference).toFixed(2)}×`);
  console.log(`  durable ÷ in memory                 ${(durable / memory).toFixed(2)}×`);
  console.log(`  target ≥ 5,000 durable /s: ${durable >= 5000 ? 'met' : 'MISSED'}\n`);
}
