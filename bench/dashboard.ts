// Benchmark of the dashboard's programme overview for a generated 1,000-pilot programme
// (`npm run bench:dashboard`): (a) loading its data from DynamoDB Local through the dashboard's own loader
// (programme and plan, the pilots, the open tasks: three reads, the pilots paged) and (b) building the view
// model and rendering it to HTML in memory. Mid-programme (mid-June 2023): every launch done, implementation
// running, one open task in three pilots, some overdue, a few escalated or failed. Prints medians of
// `--runs N` runs (10) after one warm-up, wall clock and CPU time (the Node process's and DynamoDB Local's),
// the page's size, and the machine's load (wall-clock figures on a busy machine are slower).

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { build as bundle } from 'esbuild';
import { launchedPilotRecord } from '#domain/launch.ts';
import { PilotFlowTable } from '#infra/constructs/table.ts';
import { ensureTable, tableResources } from '#local/cloud/tables.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { generatePlan, type Plan } from '#plan/index.ts';
import { loadOverview } from '#presentation/dashboard/load.ts';
import { buildOverview, programmeRef } from '#presentation/dashboard/overview.ts';
import { keys } from '#store/keys.ts';
import type { PilotRecord } from '#store/pilots.ts';
import { listPilots } from '#store/pilots.ts';
import { getProgramme, listProgrammes, putProgrammeOnce } from '#store/programmes.ts';
import { createStore } from '#store/store.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { listOpenTasks } from '#store/tasks.ts';
import { loadAverage, median } from './figures.ts';

// Node runs .ts but not .tsx: the pages are bundled first, as the Lambda bundle has them (packages left
// to node_modules), and imported from the project's cache.
const renderOut = fileURLToPath(
  new URL('../node_modules/.cache/pilotflow/bench-dashboard-render.mjs', import.meta.url),
);
await bundle({
  entryPoints: [fileURLToPath(new URL('../functions/presentation/dashboard/render.tsx', import.meta.url))],
  outfile: renderOut,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  logLevel: 'warning',
});
const { renderDashboard } = (await import(
  pathToFileURL(renderOut).href
)) as typeof import('../functions/presentation/dashboard/render.tsx');

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, pilots: { type: 'string', default: '1000' } },
});
const RUNS = Number(args.runs);
const PILOTS = Number(args.pilots);
const NOW = new Date('2023-06-15T02:00:00.000Z');
const LAUNCHED = '2022-12-31T16:00:00.000Z';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution';

/** Pilot items and open tasks for `plan` in mid-June 2023, the same every run (a fixed pattern by index). */
function programmeData(plan: Plan): { pilots: PilotRecord[]; tasks: TaskRecord[] } {
  const pilots: PilotRecord[] = [];
  const tasks: TaskRecord[] = [];
  plan.pilots.forEach((p, i) => {
    const failed = i % 97 === 0;
    pilots.push({
      ...launchedPilotRecord(plan.programme.id, p, LAUNCHED),
      stages: {
        // Each stage that ran names its execution, as the workflows record it (the matrix links to it).
        launch: {
          status: 'done',
          updatedAt: `2023-02-${String(1 + (i % 14)).padStart(2, '0')}T02:00:00.000Z`,
          executionArn: `${EXECUTION}:PilotFlow-Launch:${plan.programme.id}-${p.id}-launch`,
        },
        implementation: {
          status: failed ? 'stalled' : 'running',
          updatedAt: failed ? '2023-05-20T02:00:00.000Z' : '2023-02-14T16:00:00.000Z',
          executionArn: `${EXECUTION}:PilotFlow-Implementation:${plan.programme.id}-${p.id}-implementation`,
        },
      },
      ...(failed ? { outcome: 'stopped' as const } : {}),
    });
    if (i % 3 !== 0 || failed) return;
    const overdue = i % 9 === 0;
    const unit = overdue ? 'civil-affairs' : p.id;
    tasks.push({
      taskId: `task-${String(i).padStart(5, '0')}`,
      programmeId: plan.programme.id,
      pilotId: p.id,
      stage: 'implementation',
      kind: overdue ? 'verification' : 'rectification',
      step: overdue ? 'Verify the rectification' : 'Rectify the problems',
      title: `${p.name}：${overdue ? '核查整改' : '整改'}`,
      round: 1,
      assignees: [{ name: '联系人', email: `${unit}@xx-county.example`, unitId: unit }],
      dueAt: overdue ? '2023-06-01T16:00:00.000Z' : '2023-06-30T16:00:00.000Z',
      createdAt: '2023-05-25T02:00:00.000Z',
      status: 'open',
      executionArn: `${EXECUTION}:PilotFlow-Implementation:${plan.programme.id}-${p.id}-implementation`,
      taskToken: 'token',
      form: { decisions: ['approve', 'return'], fields: [] },
      escalationLevel: i % 27 === 0 ? 2 : 0,
    });
  });
  return { pilots, tasks };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const timing = (r: { median: number; cpu: number }) => `${ms(r.median).padStart(9)}  (cpu ${ms(r.cpu)})`;

/**
 * Wall-clock and CPU time per run. On a shared machine the wall clock includes waiting for a core; the CPU
 * time is the work itself: this process's, plus `otherCpu`'s (DynamoDB Local's JVM, read from /proc).
 */
async function time<T>(
  runs: number,
  fn: () => Promise<T> | T,
  otherCpu: () => number = () => 0,
): Promise<{ median: number; cpu: number; all: number[]; last: T }> {
  let last = await fn(); // warm-up: JIT, the plan cache, connections
  const all: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const o0 = otherCpu();
    const t0 = performance.now();
    last = await fn();
    all.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000 + otherCpu() - o0);
  }
  return { median: median(all), cpu: median(cpus), all, last };
}

const plan = generatePlan({ pilots: PILOTS });
const { pilots, tasks } = programmeData(plan);
const ref = programmeRef(plan, {
  programmeId: plan.programme.id,
  title: plan.programme.title,
  status: 'running',
  launchedAt: LAUNCHED,
});
const frame = {
  locale: 'zh-CN' as const,
  timeZone: plan.programme.timezone,
  path: '/admin',
  admin: { sub: 'bench' },
  csrf: 'x',
  programmeId: plan.programme.id,
  liveMs: 5000,
};

console.log(
  `dashboard overview, ${PILOTS} pilots, ${tasks.length} open tasks; medians of ${RUNS} runs after a warm-up; ` +
    `load average ${loadAverage()} on ${availableParallelism()} cores`,
);

// (b) In memory: view model and HTML.
const build = await time(RUNS, () =>
  buildOverview({ plan, programme: ref, programmes: [ref], pilots, openTasks: tasks, now: NOW }),
);
const view = build.last;
const render = await time(RUNS, () => renderDashboard({ kind: 'overview', frame, view }));
const both = await time(RUNS, () =>
  renderDashboard({
    kind: 'overview',
    frame,
    view: buildOverview({ plan, programme: ref, programmes: [ref], pilots, openTasks: tasks, now: NOW }),
  }),
);
console.log(`  view model (in memory)         ${timing(build)}`);
console.log(
  `  HTML render                    ${timing(render)}  ${(render.last.length / 1024).toFixed(0)} KB`,
);
console.log(`  view model + render            ${timing(both)}`);

// (a) From DynamoDB Local, through the dashboard's loader.
const dynamo = await startDynamoDbLocal();
try {
  const stack = new Stack(new App(), 'Bench');
  new PilotFlowTable(stack, 'Data');
  const [entry] = tableResources(Template.fromStack(stack).toJSON() as never);
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  await ensureTable(client, entry![1], 'bench');
  client.destroy();
  const store = createStore('bench', { endpoint: dynamo.endpoint, ...LOCAL_AWS });
  await putProgrammeOnce(
    store,
    {
      programmeId: plan.programme.id,
      title: plan.programme.title,
      status: 'running',
      launchedAt: LAUNCHED,
      updatedAt: LAUNCHED,
    },
    plan,
  );
  const items = [
    ...pilots.map((p) => ({ ...keys.pilot(p.programmeId, p.pilotId), ...p })),
    ...tasks.map((t) => ({
      ...keys.task(t.taskId),
      ...keys.taskParent(t.programmeId, t.pilotId, t.createdAt, t.taskId),
      ...keys.openTask(t.dueAt, t.taskId),
      ...t,
    })),
  ];
  for (let i = 0; i < items.length; i += 25) {
    await store.db.send(
      new BatchWriteCommand({
        RequestItems: { bench: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  const deps = {
    store,
    now: () => NOW,
    machines: {},
    sfn: {
      describeExecution: async () => undefined,
      definitionForExecution: async () => '{}',
      definitionOfMachine: async () => undefined,
      history: async () => [],
      stopExecution: async () => {},
    },
  };
  // utime + stime of the JVM, all its threads, in clock ticks (100 a second on Linux: 10 ms resolution).
  const jvmCpu = () => {
    const fields = readFileSync(`/proc/${dynamo.process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const parts: Record<string, () => Promise<unknown>> = {
    listProgrammes: () => listProgrammes(store),
    getProgramme: () => getProgramme(store, plan.programme.id),
    listPilots: () => listPilots(store, plan.programme.id),
    listOpenTasks: () => listOpenTasks(store),
  };
  for (const [name, fn] of Object.entries(parts)) {
    console.log(`    ${name.padEnd(28)} ${timing(await time(RUNS, fn, jvmCpu))}`);
  }
  const load = await time(RUNS, () => loadOverview(deps, plan.programme.id), jvmCpu);
  const page = await time(
    RUNS,
    async () =>
      renderDashboard({ kind: 'overview', frame, view: await loadOverview(deps, plan.programme.id) }),
    jvmCpu,
  );
  console.log(`  load + view model (DynamoDB Local)   ${timing(load)}`);
  console.log(`  load + view model + render           ${timing(page)}`);
  store.db.destroy();
} finally {
  await dynamo.stop();
}
