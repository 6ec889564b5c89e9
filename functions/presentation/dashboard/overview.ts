// The programme overview from the pilot items and the open tasks: each pilot's state per stage (not started,
// running, waiting on whom, overdue, done, failed), when each stage actually ran (the timeline's bars), and
// the counts. Pure: the caller loads the data (load.ts).
import { STAGES } from '#plan/kinds.ts';
import { findParty, findPilotType } from '#plan/lookup.ts';
import { stageWindow } from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import type { PilotRecord } from '#store/pilots.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { type LocalText, lt } from '../i18n.ts';
import type { OverviewView, PilotRow, ProgrammeRef, StageCell, StageWindowView, UnitRef } from './views.ts';
import { STAGE_NAMES } from './words.ts';

export function unitRef(plan: Plan, unitId: string): UnitRef {
  const party = findParty(plan, unitId);
  return { unitId, name: party ? lt(party.name, party.nameEn) : lt(unitId, unitId) };
}

const windowCache = new WeakMap<Plan, StageWindowView[]>();

/** The plan's stage windows, computed once per plan (time-zone arithmetic is slow next to everything else). */
export function stageWindows(plan: Plan): StageWindowView[] {
  let windows = windowCache.get(plan);
  if (!windows) {
    windows = STAGES.map((stage) => {
      const w = stageWindow(plan, stage);
      return { stage, name: STAGE_NAMES[stage], start: w.start.toISOString(), end: w.end.toISOString() };
    });
    windowCache.set(plan, windows);
  }
  return windows;
}

export const isOverdue = (task: Pick<TaskRecord, 'dueAt'>, now: Date) =>
  Date.parse(task.dueAt) <= now.getTime();

/**
 * A pilot's cells. When a stage started is not stored for stages that finished (the pilot item keeps each
 * stage's latest report), but the workflows fix it: a stage's execution starts when the previous stage ends
 * and then waits for its window, so it started at the later of the two (the launch at the later of its window
 * and the programme's launch).
 */
export function pilotCells(
  plan: Plan,
  pilot: PilotRecord,
  openTasks: TaskRecord[],
  now: Date,
  launchedAt: string,
): StageCell[] {
  const cells: StageCell[] = [];
  let previousEnd = launchedAt;
  const windows = stageWindows(plan);
  for (const [i, stage] of STAGES.entries()) {
    const progress = pilot.stages[stage];
    const windowStart = Date.parse((windows[i] as StageWindowView).start);
    const tasks = openTasks.filter((t) => t.stage === stage);
    const overdue = tasks.filter((t) => isOverdue(t, now));
    const waitingOn = new Map<string, UnitRef>();
    for (const task of overdue.length > 0 ? overdue : tasks) {
      for (const a of task.assignees) {
        const id = a.unitId ?? a.email;
        if (!waitingOn.has(id))
          waitingOn.set(id, a.unitId ? unitRef(plan, a.unitId) : { unitId: id, name: lt(a.name, a.name) });
      }
    }
    const derivedStart = new Date(Math.max(windowStart, Date.parse(previousEnd))).toISOString();
    const cell: StageCell = {
      stage,
      state: 'not-started',
      waitingOn: [...waitingOn.values()],
      openTasks: tasks.length,
      overdueTasks: overdue.length,
      escalatedTasks: tasks.filter((t) => t.escalationLevel > 0).length,
      ...(progress?.executionArn ? { executionArn: progress.executionArn } : {}),
      ...(progress?.step ? { step: progress.step } : {}),
    };
    if (progress?.status === 'done') {
      cell.state = 'done';
      cell.startedAt = derivedStart;
      cell.endedAt = progress.updatedAt;
    } else if (progress?.status === 'failed' || progress?.status === 'stalled') {
      cell.state = 'failed';
      cell.startedAt = derivedStart;
      cell.endedAt = progress.updatedAt;
    } else if (progress?.status === 'running') {
      cell.startedAt = progress.updatedAt;
      if (pilot.outcome === 'stopped' || pilot.outcome === 'failed') {
        // The pilot stopped while this stage ran (its execution was stopped from outside the stage).
        cell.state = 'failed';
        cell.endedAt = pilot.updatedAt;
      } else {
        cell.state = overdue.length > 0 ? 'overdue' : tasks.length > 0 ? 'waiting' : 'running';
      }
    }
    if (cell.state !== 'waiting' && cell.state !== 'overdue') cell.waitingOn = [];
    if (cell.endedAt) previousEnd = cell.endedAt;
    cells.push(cell);
  }
  return cells;
}

export function pilotRow(
  plan: Plan,
  pilot: PilotRecord,
  openTasks: TaskRecord[],
  now: Date,
  launchedAt: string,
): PilotRow {
  const type = findPilotType(plan, pilot.type);
  return {
    pilotId: pilot.pilotId,
    name: lt(pilot.name, pilot.nameEn ?? pilot.name),
    level: pilot.level,
    type: type ? lt(type.name, type.nameEn) : lt(pilot.type, pilot.type),
    ...(pilot.outcome ? { outcome: pilot.outcome } : {}),
    ...(pilot.acceptanceScore !== undefined ? { acceptanceScore: pilot.acceptanceScore } : {}),
    cells: pilotCells(plan, pilot, openTasks, now, launchedAt),
  };
}

export function programmeRef(
  plan: Plan | undefined,
  record: { programmeId: string; title: string; status: string; launchedAt: string; executionArn?: string },
): ProgrammeRef {
  const title: LocalText = plan
    ? lt(plan.programme.title, plan.programme.titleEn)
    : lt(record.title, record.title);
  return {
    programmeId: record.programmeId,
    title,
    ...(plan ? { locale: plan.programme.locale } : {}),
    status: record.status,
    launchedAt: record.launchedAt,
    ...(record.executionArn ? { executionArn: record.executionArn } : {}),
  };
}

/** The overview of a programme: its pilots in plan order, each with its cells, and the counts. */
export function buildOverview(args: {
  plan: Plan;
  programme: ProgrammeRef;
  programmes: ProgrammeRef[];
  pilots: PilotRecord[];
  openTasks: TaskRecord[];
  now: Date;
}): OverviewView {
  const { plan, now } = args;
  const tasks = args.openTasks.filter((t) => t.programmeId === args.programme.programmeId);
  const byPilot = new Map<string, TaskRecord[]>();
  for (const task of tasks) byPilot.set(task.pilotId, [...(byPilot.get(task.pilotId) ?? []), task]);
  const order = new Map(plan.pilots.map((p, i) => [p.id, i]));
  const pilots = [...args.pilots].sort(
    (a, b) =>
      (order.get(a.pilotId) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.pilotId) ?? Number.MAX_SAFE_INTEGER),
  );
  return {
    page: 'overview',
    programme: args.programme,
    programmes: args.programmes,
    now: now.toISOString(),
    timeZone: plan.programme.timezone,
    windows: stageWindows(plan),
    counts: {
      pilots: pilots.length,
      open: tasks.length,
      overdue: tasks.filter((t) => isOverdue(t, now)).length,
      escalated: tasks.filter((t) => t.escalationLevel > 0).length,
      accepted: pilots.filter((p) => p.outcome === 'accepted').length,
      stopped: pilots.filter((p) => p.outcome === 'stopped' || p.outcome === 'failed').length,
    },
    pilots: pilots.map((p) =>
      pilotRow(plan, p, byPilot.get(p.pilotId) ?? [], now, args.programme.launchedAt),
    ),
  };
}
