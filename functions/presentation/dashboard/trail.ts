// A pilot's (or a task's) audit trail in time order, in the programme's words: tasks opened, e-mails,
// decisions with their comments and scores, reminders, escalations, administrators' actions with their
// reasons, stage changes, failures. Pure.
import type { Field } from '#domain/forms.ts';
import type { AuditEvent } from '#store/audit.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { lt } from '../i18n.ts';
import type { TrailEntry } from './views.ts';
import { ACTION_LABELS, OUTCOME_LABELS } from './words.ts';

function formValues(task: TaskRecord | undefined, form: unknown): TrailEntry['values'] {
  if (!form || typeof form !== 'object') return undefined;
  const fields = ((task?.form as { fields?: Field[] } | undefined)?.fields ?? []) as Field[];
  const values: NonNullable<TrailEntry['values']> = [];
  for (const [name, value] of Object.entries(form as Record<string, unknown>)) {
    if (value === undefined || value === null || value === '') continue;
    const field = fields.find((f) => f.name === name);
    const label = field ? lt(field.label.zh, field.label.en) : lt(name, name);
    const text =
      typeof value === 'boolean'
        ? value
          ? '是 / yes'
          : '否 / no'
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    values.push({ label, value: text });
  }
  return values.length > 0 ? values : undefined;
}

export function trailEntry(event: AuditEvent, tasks: Map<string, TaskRecord>): TrailEntry {
  const details = event.details ?? {};
  const task = event.taskId ? tasks.get(event.taskId) : undefined;
  const entry: TrailEntry = {
    at: event.at,
    action: event.action,
    label: ACTION_LABELS[event.action] ?? lt(event.action, event.action),
    actor: event.actor,
    summary: event.summary,
    ...(event.taskId ? { taskId: event.taskId } : {}),
    ...(event.executionArn ? { executionArn: event.executionArn } : {}),
  };
  if (typeof details.comment === 'string' && details.comment) entry.comment = details.comment;
  if (typeof details.reason === 'string' && details.reason) entry.reason = details.reason;
  if (typeof details.outcome === 'string') {
    entry.outcome = OUTCOME_LABELS[details.outcome] ?? lt(details.outcome, details.outcome);
  }
  const values = formValues(task, details.form);
  if (values) entry.values = values;
  // Whoever holds a link decides for its assignee: the network and browser show a forwarded one.
  const client = details.client as { ip?: unknown; userAgent?: unknown } | undefined;
  const from = [client?.ip, client?.userAgent].filter((v): v is string => typeof v === 'string' && v !== '');
  if (from.length > 0) entry.client = from.join(' · ');
  return entry;
}

/** Audit events as trail entries, oldest first (ties keep their stored order). */
export function buildTrail(events: AuditEvent[], tasks: TaskRecord[]): TrailEntry[] {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => trailEntry(e, byId));
}
