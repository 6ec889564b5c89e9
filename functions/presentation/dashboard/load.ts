// Loading the dashboard's views: the store (programmes, pilots, tasks, links, audit) and the Step Functions
// API (executions, histories, definitions), assembled by the pure builders. Everything outside comes in
// through DashboardDeps, so these are tested against DynamoDB Local and the local Step Functions runtime.

import { loadPlan } from '#domain/deps.ts';
import { decisionFiles, downloadable, filesOf } from '#domain/evidence.ts';
import {
  type DashboardDeps,
  type ExecutionDescription,
  type MachineName,
  machineShortName,
  type SfnApi,
} from '#domain/executions.ts';
import { executionArnOf, pilotExecutionName } from '#domain/workflow-input.ts';
import { NotFoundError, ValidationError } from '#lib/errors.ts';
import { STAGES, type StageName } from '#plan/kinds.ts';
import { findParty } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { listLinksOfTask } from '#store/links.ts';
import { getPilot, listPilots } from '#store/pilots.ts';
import { getProgramme, listProgrammes, type ProgrammeRecord } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { getTask, listOpenTasks, listTasksOfPilot, type TaskRecord } from '#store/tasks.ts';
import { type Locale, lt } from '../i18n.ts';
import { parseDefinition, statesOf } from './graph.ts';
import { graphView } from './graph-view.ts';
import { prettyJson, readableHistory } from './history.ts';
import { buildOverview, pilotRow, programmeRef, unitRef } from './overview.ts';
import { buildTasks, taskRow } from './tasks.ts';
import { buildTrail } from './trail.ts';
import type {
  ExecutionSummary,
  ExecutionView,
  OverviewView,
  PilotView,
  ProgrammeRef,
  StageExecutionView,
  TaskFilters,
  TasksView,
  TaskView,
} from './views.ts';
import { STAGE_NAMES } from './words.ts';

export type { DashboardDeps, ExecutionDescription, MachineName, SfnApi };

export interface GraphOptions {
  locale: Locale;
  /** Draw the error handling that did not happen too. */
  full: boolean;
}

function summary(e: ExecutionDescription): ExecutionSummary {
  return {
    executionArn: e.executionArn,
    name: e.name,
    stateMachineArn: e.stateMachineArn,
    machine: machineShortName(e.stateMachineArn),
    status: e.status,
    ...(e.startDate ? { startDate: e.startDate } : {}),
    ...(e.stopDate ? { stopDate: e.stopDate } : {}),
    ...(e.error ? { error: e.error } : {}),
    ...(e.cause ? { cause: e.cause.slice(0, 4000) } : {}),
  };
}

async function tryPlan(store: Store, programmeId: string): Promise<Plan | undefined> {
  try {
    return await loadPlan(store, programmeId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export async function listProgrammeRefs(deps: Pick<DashboardDeps, 'store'>): Promise<ProgrammeRef[]> {
  return (await listProgrammes(deps.store)).map((p) => programmeRef(undefined, p));
}

/** A programme and its plan: the one asked for, or else the latest launched. */
export async function programmeAndPlan(
  deps: Pick<DashboardDeps, 'store'>,
  programmeId: string | undefined,
): Promise<{ record: ProgrammeRecord; plan: Plan; ref: ProgrammeRef; programmes: ProgrammeRef[] }> {
  // With an id the list and the programme are read side by side; without, the list says which is latest.
  const [programmes, given] = await Promise.all([
    listProgrammeRefs(deps),
    programmeId ? getProgramme(deps.store, programmeId) : undefined,
  ]);
  const id = programmeId ?? programmes.at(-1)?.programmeId;
  if (!id) throw new NotFoundError('no programme has been launched yet');
  const record = programmeId ? given : await getProgramme(deps.store, id);
  const plan = record ? await tryPlan(deps.store, id) : undefined;
  if (!record || !plan) throw new NotFoundError(`programme ${id} does not exist`);
  return { record, plan, ref: programmeRef(plan, record), programmes };
}

export async function loadOverview(deps: DashboardDeps, programmeId?: string): Promise<OverviewView> {
  // The pilots and the open tasks are read while the programme is, when its id is known.
  const early = programmeId ? listPilots(deps.store, programmeId) : undefined;
  const openTasksRead = listOpenTasks(deps.store);
  early?.catch(() => {});
  openTasksRead.catch(() => {});
  const { plan, ref, programmes } = await programmeAndPlan(deps, programmeId);
  const [pilots, openTasks] = await Promise.all([
    early ?? listPilots(deps.store, ref.programmeId),
    openTasksRead,
  ]);
  return buildOverview({ plan, programme: ref, programmes, pilots, openTasks, now: deps.now() });
}

/** The ARN a pilot's execution (or one of its stages') has, by the workflows' naming (workflows/pilot.ts). */
export function pilotExecutionArn(
  deps: Pick<DashboardDeps, 'machines'>,
  programmeId: string,
  pilotId: string,
  stage: 'pilot' | StageName,
): string | undefined {
  const machine = deps.machines[stage];
  if (!machine) return undefined;
  const name = pilotExecutionName(programmeId, pilotId);
  return executionArnOf(machine, stage === 'pilot' ? name : `${name}-${stage}`);
}

/** An execution drawn: its summary, its graph with what happened, or the machine's graph if not started. */
async function stageExecution(
  deps: DashboardDeps,
  stage: 'pilot' | StageName,
  executionArn: string,
  options: GraphOptions,
): Promise<StageExecutionView> {
  const name = stage === 'pilot' ? lt('试点流程', 'Pilot workflow') : STAGE_NAMES[stage];
  const described = await deps.sfn.describeExecution(executionArn);
  if (!described) {
    const machine = deps.machines[stage];
    const definition = machine ? await deps.sfn.definitionOfMachine(machine) : undefined;
    if (!definition) return { stage, name, executionArn, current: [] };
    const { current: _none, ...graph } = graphView({
      definition,
      events: [],
      status: 'NOT_STARTED',
      ...options,
    });
    return { stage, name, executionArn, graph, current: [] };
  }
  const [definition, events] = await Promise.all([
    deps.sfn.definitionForExecution(executionArn),
    deps.sfn.history(executionArn),
  ]);
  const { current, ...graph } = graphView({ definition, events, status: described.status, ...options });
  return { stage, name, executionArn, execution: summary(described), graph, current };
}

export async function loadPilot(
  deps: DashboardDeps,
  programmeId: string,
  pilotId: string,
  options: GraphOptions,
  /** The stage whose graph the page draws (`?stage=`); by default the one the pilot is in. */
  stage?: string,
): Promise<PilotView> {
  const { plan, ref } = await programmeAndPlan(deps, programmeId);
  const pilot = await getPilot(deps.store, programmeId, pilotId);
  if (!pilot) throw new NotFoundError(`pilot ${pilotId} of programme ${programmeId} does not exist`);
  const now = deps.now();
  const [tasks, audit] = await Promise.all([
    listTasksOfPilot(deps.store, programmeId, pilotId),
    listAuditOfPilot(deps.store, programmeId, pilotId),
  ]);
  const open = tasks.filter((t) => t.status === 'open');
  const row = pilotRow(plan, pilot, open, now, ref.launchedAt);
  const arns: Array<['pilot' | StageName, string | undefined]> = [
    ['pilot', pilot.executionArn ?? pilotExecutionArn(deps, programmeId, pilotId, 'pilot')],
    ...STAGES.map((stage): ['pilot' | StageName, string | undefined] => [
      stage,
      pilot.stages[stage]?.executionArn ?? pilotExecutionArn(deps, programmeId, pilotId, stage),
    ]),
  ];
  const executions = await Promise.all(
    arns.flatMap(([stage, arn]) => (arn ? [stageExecution(deps, stage, arn, options)] : [])),
  );
  const chosen = executions.find((e) => e.stage === stage);
  const running = executions.filter((e) => e.stage !== 'pilot' && e.execution);
  const shown =
    chosen?.stage ??
    running.find((e) => e.execution?.status === 'RUNNING')?.stage ??
    running.at(-1)?.stage ??
    'launch';
  const planPilot = plan.pilots.find((p) => p.id === pilotId);
  const town = pilot.town ? findParty(plan, pilot.town) : undefined;
  return {
    page: 'pilot',
    programme: ref,
    now: now.toISOString(),
    timeZone: plan.programme.timezone,
    pilot: {
      ...row,
      ...(town ? { town: lt(town.name, town.nameEn) } : {}),
      contacts: (planPilot?.contacts ?? []).map((c) => ({
        name: c.name,
        email: c.email,
        ...(c.phone ? { phone: c.phone } : {}),
      })),
    },
    executions,
    shown,
    // Open tasks first (latest due last), then the rest, newest first.
    tasks: [
      ...open.sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
      ...tasks.filter((t) => t.status !== 'open').sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    ].map((t) => taskRow(plan, t, now)),
    trail: buildTrail(audit, tasks),
  };
}

const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_.-]{1,80}$/;

/** Checks an execution ARN taken from a URL before it reaches any API. */
export function parseExecutionArn(value: string): string {
  let arn = value;
  // API Gateway hands path parameters over decoded; a client that encoded twice still works.
  if (/%3A/i.test(arn)) {
    try {
      arn = decodeURIComponent(arn);
    } catch {
      // Left as it is: the pattern refuses it below.
    }
  }
  if (!EXECUTION_ARN.test(arn))
    throw new ValidationError('not an execution ARN', [
      { path: 'executionArn', message: 'not an execution ARN' },
    ]);
  return arn;
}

export async function loadExecution(
  deps: DashboardDeps,
  executionArn: string,
  options: GraphOptions,
): Promise<ExecutionView> {
  const described = await deps.sfn.describeExecution(executionArn);
  if (!described) throw new NotFoundError(`execution ${executionArn} does not exist`);
  const [definitionText, events] = await Promise.all([
    deps.sfn.definitionForExecution(executionArn),
    deps.sfn.history(executionArn),
  ]);
  const definition = parseDefinition(definitionText);
  let input: Record<string, unknown> = {};
  try {
    input = JSON.parse(described.input ?? '{}') as Record<string, unknown>;
  } catch {
    // An execution input that is not JSON is shown as it is and read for nothing.
  }
  const programmeId = typeof input.programmeId === 'string' ? input.programmeId : undefined;
  const pilotId = typeof input.pilotId === 'string' ? input.pilotId : undefined;
  const parent = input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
  const plan = programmeId ? await tryPlan(deps.store, programmeId) : undefined;
  const planPilot = pilotId ? plan?.pilots.find((p) => p.id === pilotId) : undefined;
  const { current: _current, ...graph } = graphView({
    definition,
    events,
    status: described.status,
    ...options,
  });
  const inputText = prettyJson(described.input);
  const outputText = prettyJson(described.output);
  return {
    page: 'execution',
    now: deps.now().toISOString(),
    timeZone: plan?.programme.timezone ?? 'Asia/Shanghai',
    execution: {
      ...summary(described),
      ...(inputText !== undefined ? { input: inputText } : {}),
      ...(outputText !== undefined ? { output: outputText } : {}),
    },
    ...(programmeId ? { programmeId } : {}),
    ...(pilotId ? { pilotId } : {}),
    ...(plan ? { programmeTitle: lt(plan.programme.title, plan.programme.titleEn) } : {}),
    ...(planPilot ? { pilotName: lt(planPilot.name, planPilot.nameEn ?? planPilot.name) } : {}),
    ...(typeof parent === 'string' ? { parentArn: parent } : {}),
    graph,
    history: readableHistory(events, statesOf(definition), input),
    canStop: described.status === 'RUNNING',
  };
}

export async function loadTasks(deps: DashboardDeps, filters: TaskFilters): Promise<TasksView> {
  const { plan, ref } = await programmeAndPlan(deps, filters.programme);
  const openTasks = await listOpenTasks(deps.store);
  return buildTasks({ plan, programme: ref, openTasks, filters, now: deps.now() });
}

export async function loadTask(deps: DashboardDeps, taskId: string): Promise<TaskView> {
  const task = await getTask(deps.store, taskId);
  if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
  const now = deps.now();
  const [record, plan, links, audit] = await Promise.all([
    getProgramme(deps.store, task.programmeId),
    tryPlan(deps.store, task.programmeId),
    listLinksOfTask(deps.store, taskId),
    listAuditOfTask(deps.store, taskId),
  ]);
  const trail = buildTrail(audit, [task]);
  const decision = [...trail].reverse().find((e) => e.action === 'decision.recorded');
  const unitIds = [...new Set(task.assignees.flatMap((a) => (a.unitId ? [a.unitId] : [])))];
  // Only a contact the task can go to is offered: not the unit's one current assignee (reassigning a task to
  // whoever alone holds it fails). Of several assignees, each may be left to hold it alone.
  const reassignTo = plan
    ? unitIds.flatMap((id) => {
        const holders = task.assignees.filter((a) => a.unitId === id).map((a) => a.email.toLowerCase());
        const others = findParty(plan, id)?.contacts.filter(
          (c) => !(holders.length === 1 && holders[0] === c.email.toLowerCase()),
        );
        if (!others?.length) return [];
        return [
          {
            ...unitRef(plan, id),
            contacts: others.map((c) => ({
              name: c.name,
              email: c.email,
              ...(c.role ? { role: c.role } : {}),
            })),
          },
        ];
      })
    : [];
  return {
    page: 'task',
    ...(record ? { programme: programmeRef(plan, record) } : {}),
    now: now.toISOString(),
    timeZone: plan?.programme.timezone ?? 'Asia/Shanghai',
    task: { ...taskRow(plan, task, now), ...(decision ? { decision } : {}) },
    links: links
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((l) => ({
        linkHint: `…${l.linkId.slice(-4)}`,
        assignee: l.assignee,
        status: l.status === 'active' && Date.parse(l.expiresAt) <= now.getTime() ? 'expired' : l.status,
        createdAt: l.createdAt,
        expiresAt: l.expiresAt,
        ...(l.usedAt ? { usedAt: l.usedAt } : {}),
        ...(l.revokedAt ? { revokedAt: l.revokedAt } : {}),
        ...(l.revokedReason ? { revokedReason: l.revokedReason } : {}),
      })),
    trail,
    reassignTo,
    canAct: task.status === 'open',
    ...(await taskFiles(deps, task)),
  };
}

/** The task's files with download links made now, for an administrator (the route requires read access). */
async function taskFiles(deps: DashboardDeps, task: TaskRecord): Promise<Pick<TaskView, 'files'>> {
  const decided = decisionFiles(task.decision?.form);
  const submitted = filesOf(task.context?.submittedFiles);
  if (!deps.evidence || decided.length + submitted.length === 0) return {};
  return {
    files: {
      decided: await downloadable(deps.evidence, decided),
      submitted: await downloadable(deps.evidence, submitted),
    },
  };
}
