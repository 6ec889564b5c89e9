// A pilot's (or a task's) audit trail in time order, in the programme's words: tasks opened, e-mails,
// decisions with their comments and scores, reminders, escalations, administrators' actions with their
// reasons, stage changes, failures. Pure.
import { filesOf } from '#domain/evidence.ts';
import type { Field } from '#domain/forms.ts';
import type { StageName } from '#plan/kinds.ts';
import type { AuditEvent } from '#store/audit.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { AMEND_ACTION_LABELS } from '../amend-words.ts';
import { type LocalText, lt, same } from '../i18n.ts';
import type { TrailEntry } from './views.ts';
import { ACTION_LABELS, OUTCOME_LABELS, PILOT_OUTCOME_LABELS, REFUSAL_LABELS, STAGE_NAMES } from './words.ts';

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
          ? lt('是', 'yes')
          : lt('否', 'no')
        : Array.isArray(value)
          ? same(
              filesOf(value)
                .map((f) => f.name)
                .join('、') || JSON.stringify(value),
            )
          : same(typeof value === 'string' ? value : JSON.stringify(value));
    values.push({ label, value: text });
  }
  return values.length > 0 ? values : undefined;
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** A person by name where the task knows them, else by address. */
function personOf(task: TaskRecord | undefined, email: string): string {
  const known = task?.assignees.find((a) => a.email.toLowerCase() === email.toLowerCase());
  return known ? `${known.name} <${known.email}>` : email;
}

const namesOf = (people: unknown): string =>
  (Array.isArray(people) ? people : [people])
    .map((p) => (p && typeof p === 'object' ? (p as { name?: string; email?: string }) : {}))
    .map((p) => p.name ?? p.email ?? '')
    .filter(Boolean)
    .join('、');

/**
 * What the event did, in Chinese from its structured details (the stored summary is English, written for
 * logs and API clients) and in English as the summary says it. Undefined: the label says it all.
 */
function whatText(event: AuditEvent, task: TaskRecord | undefined): LocalText | undefined {
  const d = event.details ?? {};
  const to = [...new Set(event.summary.match(EMAIL) ?? [])].map((e) => personOf(task, e)).join('、');
  const en = event.summary;
  switch (event.action) {
    case 'task.opened':
    case 'email.sent':
    case 'notice.sent':
    case 'reminder.sent':
    case 'reminder.nudged':
    case 'escalation.supervisor-notified':
    case 'escalation.leading-group-notified':
    case 'summary.sent':
      return to ? lt(`发给 ${to}`, en) : lt('', en);
    case 'task.link-resent':
      return lt(`再次发给 ${to}`, en);
    case 'task.reassigned':
    case 'task.handed-over':
      return lt(`由 ${namesOf(d.from) || '—'} 转给 ${namesOf(d.to)}`, en);
    case 'task.due-moved':
      return lt(`办理期限由 ${String(d.from).slice(0, 10)} 改为 ${String(d.to).slice(0, 10)}`, en);
    case 'plan.amended':
      return lt(`方案第 ${String(d.version)} 版`, en);
    case 'evidence.removed':
      return lt(`“${String(d.name ?? '')}”（提交前删除）`, en);
    case 'summary.compiled':
      return typeof d.total === 'number'
        ? lt(`${d.total} 个试点中 ${String(d.accepted)} 个通过验收`, en)
        : lt(to ? `发给 ${to}` : '', en);
    case 'programme.launched':
      return lt(`共 ${String(d.pilots)} 个试点`, en);
    case 'stage.started':
    case 'stage.completed': {
      const stage = STAGE_NAMES[d.stage as StageName];
      return stage ? lt(stage.zh, en) : lt('', en);
    }
    case 'acceptance.scored':
    case 'pilot.outcome': {
      const outcome = String(d.outcome ?? '');
      const score = d.score ?? d.acceptanceScore;
      const label = PILOT_OUTCOME_LABELS[outcome] ?? OUTCOME_LABELS[outcome];
      const zh = [label?.zh, typeof score === 'number' ? `${score} 分` : ''].filter(Boolean).join('，');
      const round = typeof d.round === 'number' ? `第 ${d.round} 轮：` : '';
      return lt(zh ? `${round}${zh}` : '', en);
    }
    case 'check.recorded':
      return lt(`第 ${String(d.checkNumber ?? '')} 次督查${d.problemsFound ? '：发现问题' : ''}`, en);
    case 'link.refused':
      return lt(REFUSAL_LABELS[String(d.reason)]?.zh ?? '', en);
    default:
      return lt('', en);
  }
}

/** Who acted, in words: the system, an administrator, or a person by their link. */
export function actorText(actor: string, task: TaskRecord | undefined): LocalText {
  if (actor === 'system') return lt('系统', 'System');
  if (actor === 'anonymous') return lt('未知来源', 'Unknown');
  const [kind, ...rest] = actor.split(':');
  const who = rest.join(':');
  if (kind === 'admin') return lt(`管理员 ${who}`, `Administrator ${who}`);
  if (kind === 'email') return same(personOf(task, who));
  return same(actor);
}

export function trailEntry(event: AuditEvent, tasks: Map<string, TaskRecord>): TrailEntry {
  const details = event.details ?? {};
  const task = event.taskId ? tasks.get(event.taskId) : undefined;
  const text = whatText(event, task);
  const entry: TrailEntry = {
    at: event.at,
    action: event.action,
    label: ACTION_LABELS[event.action] ?? AMEND_ACTION_LABELS[event.action] ?? lt('其他记录', event.action),
    actor: event.actor,
    by: actorText(event.actor, task),
    summary: event.summary,
    ...(text ? { text } : {}),
    ...(task ? { taskTitle: task.title } : {}),
    ...(event.taskId ? { taskId: event.taskId } : {}),
    ...(event.executionArn ? { executionArn: event.executionArn } : {}),
  };
  if (typeof details.comment === 'string' && details.comment) entry.comment = details.comment;
  // A refused link's reason is a code, said in words above; a pilot's outcome's is the workflow's error
  // (data, behind a toggle); the others are people's words.
  if (typeof details.reason === 'string' && details.reason) {
    if (event.action === 'pilot.outcome') entry.raw = details.reason;
    else if (event.action !== 'link.refused') entry.reason = details.reason;
  }
  // A decision's outcome; a pilot's or an acceptance's is said in words above.
  if (typeof details.outcome === 'string' && event.action === 'decision.recorded') {
    entry.outcome = OUTCOME_LABELS[details.outcome] ?? lt('其他', details.outcome);
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
