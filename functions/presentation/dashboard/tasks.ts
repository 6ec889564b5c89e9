// Tasks as the dashboard lists them: a row per task with its pilot, stage, step and units in the programme's
// words and how late it is; the tasks page's filters (unit, pilot, stage, assignee; open, overdue,
// escalated), sorted by how late. Pure.
import { STAGES } from '#plan/kinds.ts';
import { findPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { lt } from '../i18n.ts';
import { unitRef } from './overview.ts';
import type { ProgrammeRef, TaskFilters, TaskRow, TasksView, UnitRef } from './views.ts';
import { STAGE_NAMES, stateLabel } from './words.ts';

const PROGRAMME_WIDE = lt('整体', 'Programme-wide');

export function taskRow(plan: Plan | undefined, task: TaskRecord, now: Date): TaskRow {
  const pilot = plan ? findPilot(plan, task.pilotId) : undefined;
  const units = new Map<string, UnitRef>();
  const assignees = task.assignees.map((a) => {
    const unit = a.unitId
      ? plan
        ? unitRef(plan, a.unitId)
        : { unitId: a.unitId, name: lt(a.unitId, a.unitId) }
      : undefined;
    if (unit) units.set(unit.unitId, unit);
    return { ...a, ...(unit ? { unit: unit.name } : {}) };
  });
  const late = now.getTime() - Date.parse(task.dueAt);
  return {
    taskId: task.taskId,
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    pilotName:
      task.pilotId === '-'
        ? PROGRAMME_WIDE
        : pilot
          ? lt(pilot.name, pilot.nameEn)
          : lt(task.pilotId, task.pilotId),
    stage: task.stage,
    stageName:
      (STAGE_NAMES as Record<string, ReturnType<typeof lt>>)[task.stage] ?? lt(task.stage, task.stage),
    step: stateLabel(task.step),
    title: task.title,
    kind: task.kind,
    round: task.round,
    assignees,
    units: [...units.values()],
    status: task.status,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
    overdueMs: task.status === 'open' && late >= 0 ? late : 0,
    escalationLevel: task.escalationLevel ?? 0,
    executionArn: task.executionArn,
    ...(task.closedAt ? { closedAt: task.closedAt } : {}),
  };
}

function matches(task: TaskRecord, filters: TaskFilters, now: Date): boolean {
  if (filters.programme && task.programmeId !== filters.programme) return false;
  if (filters.pilot && task.pilotId !== filters.pilot) return false;
  if (filters.stage && task.stage !== filters.stage) return false;
  if (filters.unit && !task.assignees.some((a) => a.unitId === filters.unit)) return false;
  if (filters.assignee) {
    const email = filters.assignee.toLowerCase();
    if (!task.assignees.some((a) => a.email.toLowerCase() === email)) return false;
  }
  if (filters.status === 'overdue' && Date.parse(task.dueAt) > now.getTime()) return false;
  if (filters.status === 'escalated' && !(task.escalationLevel > 0)) return false;
  return true;
}

/** The tasks page: the programme's open tasks that pass the filters, latest first (earliest due). */
export function buildTasks(args: {
  plan: Plan;
  programme: ProgrammeRef;
  openTasks: TaskRecord[];
  filters: TaskFilters;
  now: Date;
}): TasksView {
  const { plan, now, filters } = args;
  const all = args.openTasks.filter((t) => t.programmeId === args.programme.programmeId);
  const shown = all
    .filter((t) => matches(t, filters, now))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.createdAt.localeCompare(b.createdAt));
  const units = new Map<string, UnitRef>();
  const assignees = new Map<string, { email: string; name: string }>();
  for (const task of all) {
    for (const a of task.assignees) {
      if (a.unitId && !units.has(a.unitId)) units.set(a.unitId, unitRef(plan, a.unitId));
      const key = a.email.toLowerCase();
      if (!assignees.has(key)) assignees.set(key, { email: a.email, name: a.name });
    }
  }
  return {
    page: 'tasks',
    programme: args.programme,
    now: now.toISOString(),
    timeZone: plan.programme.timezone,
    filters,
    options: {
      units: [...units.values()].sort((a, b) => a.unitId.localeCompare(b.unitId)),
      pilots: plan.pilots.map((p) => ({ pilotId: p.id, name: lt(p.name, p.nameEn) })),
      stages: STAGES.map((stage) => ({ stage, name: STAGE_NAMES[stage] })),
      assignees: [...assignees.values()].sort((a, b) => a.email.localeCompare(b.email)),
    },
    counts: {
      open: all.length,
      overdue: all.filter((t) => Date.parse(t.dueAt) <= now.getTime()).length,
      escalated: all.filter((t) => t.escalationLevel > 0).length,
      shown: shown.length,
    },
    tasks: shown.map((t) => taskRow(plan, t, now)),
  };
}
