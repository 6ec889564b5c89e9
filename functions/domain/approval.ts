// Approval by e-mail link: what a GET and a POST of `/a/{linkId}?sig=…` do, as plain functions that return
// a page view and its status (the handler only parses the request and renders). A GET changes nothing;
// a POST decides once. Refused links write one audit event per link, reason and hour, however often they
// are requested. The decision reaches Step Functions through `deliverDecision`; one that could not be
// delivered for a transient reason is retried by `retryPendingCallbacks` (the callback-retry schedule).
import * as z from 'zod';
import { KIND_TEXT } from '#email/task-email.ts';
import { findPilot, findUnit, leadUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { appendAudit, appendAuditOnce, auditItem, type NewAuditEvent } from '#store/audit.ts';
import {
  abandonCallback,
  dropPendingMarker,
  listPendingCallbacks,
  type PendingCallback,
  pendingCallbackItem,
  settleCallback,
} from '#store/callbacks.ts';
import { getLink, type LinkRecord } from '#store/links.ts';
import { getProgrammePlan } from '#store/programmes.ts';
import { isTransactionConflict, type Store } from '#store/store.ts';
import {
  type DecideResult,
  type Decision,
  decideTask,
  getTask,
  listTasksOfPilot,
  type Person,
  type TaskRecord,
} from '#store/tasks.ts';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, type Locale, lt, parseLocale, same } from '../pages/i18n.ts';
import type {
  ContactView,
  DecisionView,
  Delivery,
  FormInput,
  HistoryEntry,
  PageFrame,
  PageResult,
  RefusalReason,
  TaskSummary,
} from '../pages/model.ts';
import { FIELD_PREFIX } from '../pages/model.ts';
import type { RequestClient } from './client.ts';
import {
  decisionLabel,
  FormSpecSchema,
  type FormValue,
  type LocalText,
  type Outcome,
  validateSubmission,
} from './forms.ts';
import { formToken, isLinkId, type SigningKeys, verifyFormToken, verifyLinkSignature } from './links.ts';

// ---- Dependencies ---------------------------------------------------------------------------------------

/** Reports a decision to Step Functions. Throws the SDK's errors unchanged: their names decide what follows. */
export interface TaskCallback {
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
}

export interface ApprovalDeps {
  store: Store;
  /** The keys that sign (current) and verify (current, previous) links and form tokens (functions/lib/secrets.ts). */
  signingKeys: SigningKeys;
  callback: TaskCallback;
  now: () => Date;
  /** Whom to contact about a link the system does not know (HELP_CONTACT); the plan's lead unit otherwise. */
  helpContact?: string | undefined;
  /** Called for failures worth an operator's attention (the handler passes the Powertools logger). */
  warn?: (message: string, details: Record<string, unknown>) => void;
}

/** What delivering a decision needs (no signing key: it sends what is stored). */
export type CallbackDeps = Pick<ApprovalDeps, 'store' | 'callback' | 'now' | 'warn'>;

/** Errors of SendTaskSuccess after which Step Functions will never take this decision. */
const CALLBACK_GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist', 'InvalidOutput']);

// ---- The task's page data -------------------------------------------------------------------------------

const Text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

/**
 * The task's `form` attribute as open-task writes it: the FormSpec (decisions, labels, fields) plus what the
 * page shows about the task. Unknown keys are ignored, so the workflows can add context without breaking it.
 */
export const TaskFormSchema = z.object({
  ...FormSpecSchema.shape,
  /** The title in both languages (the task's `title` is shown in both otherwise). */
  title: Text.optional(),
  /** What is asked of the official, in a sentence or two. */
  instructions: Text.optional(),
  /** Further facts shown with pilot, stage and due date, e.g. the meeting's time and place. */
  facts: z
    .array(z.strictObject({ label: Text, value: Text }))
    .max(20)
    .optional(),
  /** Documents to read before deciding (web links only). */
  documents: z
    .array(z.strictObject({ label: Text, url: z.url({ protocol: /^https?$/ }) }))
    .max(20)
    .optional(),
});
export type TaskForm = z.infer<typeof TaskFormSchema>;

/**
 * The task's `context` attribute as open-task writes it (TaskContext in functions/email/task-email.ts): what
 * this round is about. Read leniently: an unexpected value hides that item, never the page.
 */
const TaskContextSchema = z.object({
  previousComment: z.string().optional().catch(undefined),
  problems: z.string().optional().catch(undefined),
  submittedSummary: z.string().optional().catch(undefined),
  submittedDocument: z.string().optional().catch(undefined),
  score: z.number().nullable().optional().catch(undefined),
  memberUnit: z.string().optional().catch(undefined),
});
type TaskContext = z.infer<typeof TaskContextSchema>;

function contextOf(task: TaskRecord): TaskContext {
  const parsed = TaskContextSchema.safeParse(task.context ?? {});
  return parsed.success ? parsed.data : {};
}

/** The task's form does not match TaskFormSchema: a bug in the workflow that opened it. */
export class TaskFormError extends Error {
  override name = 'TaskFormError';
}

function taskForm(task: TaskRecord): TaskForm {
  const parsed = TaskFormSchema.safeParse(task.form);
  if (!parsed.success) {
    throw new TaskFormError(`task ${task.taskId} has an invalid form: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

// ---- What Step Functions receives -----------------------------------------------------------------------

/** The output of the human task's `.waitForTaskToken` state: what the workflow's Choice reads. */
export interface DecisionOutput {
  taskId: string;
  round: number;
  outcome: Outcome;
  comment: string;
  form: Record<string, FormValue>;
  decidedBy: Person;
  decidedAt: string;
  linkId?: string;
}

export function decisionOutput(task: TaskRecord, decision: Decision): DecisionOutput {
  return {
    taskId: task.taskId,
    round: task.round,
    outcome: decision.outcome,
    comment: decision.comment,
    form: decision.form as Record<string, FormValue>,
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt,
    ...(decision.linkId ? { linkId: decision.linkId } : {}),
  };
}

// ---- Plans (immutable once launched, so cached per function instance) ------------------------------------

const planCache = new Map<string, Promise<Plan | undefined>>();
const PLAN_CACHE_SIZE = 32;

function loadPlan(store: Store, programmeId: string): Promise<Plan | undefined> {
  const key = `${store.table}\n${programmeId}`;
  let plan = planCache.get(key);
  if (!plan) {
    if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value as string);
    plan = getProgrammePlan<Plan>(store, programmeId).catch((error: unknown) => {
      planCache.delete(key);
      throw error;
    });
    planCache.set(key, plan);
  }
  return plan;
}

// ---- Resolving a link -----------------------------------------------------------------------------------

export interface LinkRequest {
  linkId: string;
  sig: string | undefined;
  /** The `lang` query parameter, if any. */
  lang?: string | undefined;
}

type Resolution =
  | {
      kind: 'refused';
      reason: RefusalReason;
      at?: string;
      frame: PageFrame;
      link?: LinkRecord;
      task?: TaskRecord;
    }
  | {
      kind: 'decided';
      frame: PageFrame;
      link: LinkRecord;
      task: TaskRecord;
      plan: Plan | undefined;
      decision: Decision;
    }
  | { kind: 'closed'; frame: PageFrame; link: LinkRecord; task: TaskRecord; plan: Plan | undefined }
  | { kind: 'open'; frame: PageFrame; link: LinkRecord; task: TaskRecord; plan: Plan | undefined };

const STATUS: Record<RefusalReason, number> = {
  unknown: 404,
  'bad-signature': 403,
  'bad-form-token': 403,
  expired: 410,
  revoked: 410,
};

function contactOf(plan: Plan | undefined, helpContact: string | undefined): ContactView | undefined {
  if (plan) {
    const unit = leadUnit(plan);
    const person = unit.contacts[0];
    return {
      unit: { zh: unit.name, en: unit.nameEn },
      ...(person ? { name: person.name, email: person.email } : {}),
      ...(person?.phone ? { phone: person.phone } : {}),
    };
  }
  return helpContact ? { text: helpContact } : undefined;
}

function frameOf(
  deps: ApprovalDeps,
  req: LinkRequest,
  plan: Plan | undefined,
  sig: string | undefined,
): PageFrame {
  return {
    locale: parseLocale(req.lang) ?? (plan?.programme.locale as Locale | undefined) ?? DEFAULT_LOCALE,
    timeZone: plan?.programme.timezone ?? DEFAULT_TIME_ZONE,
    ...(plan ? { programme: { zh: plan.programme.title, en: plan.programme.titleEn } } : {}),
    ...(contactOf(plan, deps.helpContact) ? { contact: contactOf(plan, deps.helpContact) } : {}),
    ...(sig ? { sig } : {}),
  };
}

async function resolve(deps: ApprovalDeps, req: LinkRequest): Promise<Resolution> {
  const unknown = (): Resolution => ({
    kind: 'refused',
    reason: 'unknown',
    frame: frameOf(deps, req, undefined, undefined),
  });
  if (!isLinkId(req.linkId)) return unknown();
  const link = await getLink(deps.store, req.linkId);
  if (!link) return unknown();
  const task = await getTask(deps.store, link.taskId);
  if (!task) return unknown();
  const plan = await loadPlan(deps.store, task.programmeId);
  if (!req.sig || !verifyLinkSignature(deps.signingKeys, link, req.sig)) {
    // Never echo a signature that did not verify back into the page.
    return {
      kind: 'refused',
      reason: 'bad-signature',
      frame: frameOf(deps, req, plan, undefined),
      link,
      task,
    };
  }
  const frame = frameOf(deps, req, plan, req.sig);
  return classify(deps, frame, link, task, plan);
}

/** Where a verified link stands: decided (by whom), closed, refused (revoked, expired) or open. */
function classify(
  deps: ApprovalDeps,
  frame: PageFrame,
  link: LinkRecord,
  task: TaskRecord,
  plan: Plan | undefined,
): Resolution {
  // A decision explains itself even on an expired or replaced link: the calmest answer is what happened.
  if (task.status === 'decided' && task.decision) {
    return { kind: 'decided', frame, link, task, plan, decision: task.decision };
  }
  if (task.status === 'cancelled' || task.status === 'timed-out')
    return { kind: 'closed', frame, link, task, plan };
  if (link.status === 'revoked') {
    return {
      kind: 'refused',
      reason: 'revoked',
      frame,
      link,
      task,
      ...(link.revokedAt ? { at: link.revokedAt } : {}),
    };
  }
  if (link.status !== 'active' || deps.now().getTime() >= Date.parse(link.expiresAt)) {
    return { kind: 'refused', reason: 'expired', at: link.expiresAt, frame, link, task };
  }
  return { kind: 'open', frame, link, task, plan };
}

// ---- Views ----------------------------------------------------------------------------------------------

const STAGE_NAMES: Record<string, LocalText> = {
  launch: lt('工作启动', 'Launch'),
  implementation: lt('组织实施', 'Implementation'),
  evaluation: lt('评估验收', 'Evaluation and acceptance'),
};

const personText = (p: Person) => `${p.name} (${p.email})`;

/** Earlier rounds of the same step for this pilot (a returned plan, a repeated check), oldest first. */
async function historyOf(store: Store, task: TaskRecord): Promise<HistoryEntry[]> {
  if (task.round <= 1) return [];
  const tasks = await listTasksOfPilot(store, task.programmeId, task.pilotId);
  return tasks
    .filter((t) => t.step === task.step && t.round < task.round && t.status === 'decided' && t.decision)
    .sort(
      (a, b) => a.round - b.round || (a.decision?.decidedAt ?? '').localeCompare(b.decision?.decidedAt ?? ''),
    )
    .map((t) => {
      const decision = t.decision as Decision;
      const spec = TaskFormSchema.safeParse(t.form);
      const kind = KIND_TEXT[t.kind as keyof typeof KIND_TEXT] as { zh: string; en: string } | undefined;
      return {
        round: t.round,
        title:
          spec.success && spec.data.title
            ? spec.data.title
            : kind
              ? { zh: kind.zh, en: kind.en }
              : same(t.title),
        outcome: spec.success ? decisionLabel(spec.data, decision.outcome) : same(decision.outcome),
        comment: decision.comment,
        by: decision.decidedBy.name,
        at: decision.decidedAt,
      };
    });
}

/** What this round is about, from the task's context: facts, documents and quoted texts for the page. */
function contextItems(plan: Plan | undefined, context: TaskContext) {
  const facts: TaskSummary['facts'] = [];
  const documents: TaskSummary['documents'] = [];
  const quotes: TaskSummary['quotes'] = [];
  if (context.memberUnit) {
    const unit = plan ? findUnit(plan, context.memberUnit) : undefined;
    facts.push({
      label: lt('会签单位', 'For the unit'),
      value: unit ? { zh: unit.name, en: unit.nameEn } : same(context.memberUnit),
    });
  }
  if (typeof context.score === 'number') {
    facts.push({
      label: lt('上一轮验收得分', 'Score at the previous acceptance'),
      value: same(String(context.score)),
    });
  }
  if (context.submittedSummary) {
    quotes.push({ label: lt('提交的内容', 'What was submitted'), text: context.submittedSummary });
  }
  if (context.submittedDocument) {
    documents.push({ label: lt('提交的文件', 'The submitted document'), url: context.submittedDocument });
  }
  if (context.problems) quotes.push({ label: lt('发现的问题', 'Problems found'), text: context.problems });
  if (context.previousComment) {
    quotes.push({
      label: lt('上一轮的意见', 'Comments on the previous round'),
      text: context.previousComment,
    });
  }
  return { facts, documents, quotes };
}

function summaryOf(
  deps: ApprovalDeps,
  task: TaskRecord,
  link: LinkRecord,
  plan: Plan | undefined,
  form: TaskForm | undefined,
  history: HistoryEntry[],
): TaskSummary {
  const pilot = plan ? findPilot(plan, task.pilotId) : undefined;
  const stage = STAGE_NAMES[task.stage];
  const kind = KIND_TEXT[task.kind as keyof typeof KIND_TEXT] as
    | (typeof KIND_TEXT)[keyof typeof KIND_TEXT]
    | undefined;
  const instructions = form?.instructions ?? (kind ? { zh: kind.whatZh, en: kind.whatEn } : undefined);
  const context = contextItems(plan, contextOf(task));
  return {
    // The kind's name in the page's language; the stored title is in the plan's language only.
    title: form?.title ?? (kind ? { zh: kind.zh, en: kind.en } : same(task.title)),
    ...(instructions ? { instructions } : {}),
    pilot: pilot ? { zh: pilot.name, en: pilot.nameEn } : same(task.pilotId),
    ...(stage ? { stage } : {}),
    round: task.round,
    dueAt: task.dueAt,
    overdue: task.status === 'open' && deps.now().getTime() > Date.parse(task.dueAt),
    assignee: personText(link.assignee),
    facts: [...context.facts, ...(form?.facts ?? [])],
    documents: [...context.documents, ...(form?.documents ?? [])],
    quotes: context.quotes,
    history,
  };
}

function decisionView(task: TaskRecord, link: LinkRecord, decision: Decision): DecisionView {
  const spec = TaskFormSchema.safeParse(task.form);
  return {
    outcome: spec.success ? decisionLabel(spec.data, decision.outcome) : same(decision.outcome),
    comment: decision.comment,
    by: decision.decidedBy.name,
    at: decision.decidedAt,
    byYou:
      decision.linkId === link.linkId ||
      decision.decidedBy.email.toLowerCase() === link.assignee.email.toLowerCase(),
  };
}

async function taskPage(
  deps: ApprovalDeps,
  r: Extract<Resolution, { kind: 'open' }>,
  form: TaskForm,
  status: number,
  input?: FormInput,
  errors?: Record<string, LocalText>,
): Promise<PageResult> {
  const history = await historyOf(deps.store, r.task);
  return {
    status,
    view: {
      page: 'task',
      frame: r.frame,
      task: summaryOf(deps, r.task, r.link, r.plan, form, history),
      form,
      formToken: formTokenFor(deps, r.link),
      ...(input ? { input } : {}),
      ...(errors ? { errors } : {}),
    },
  };
}

function formTokenFor(deps: ApprovalDeps, link: LinkRecord): string {
  return formToken(deps.signingKeys.current, link.linkId);
}

/** The page for a link that cannot act: decided, closed or refused. `status` for decided/closed differs by method. */
function statusPage(
  deps: ApprovalDeps,
  r: Exclude<Resolution, { kind: 'open' }>,
  settledStatus: number,
): PageResult {
  switch (r.kind) {
    case 'refused':
      return {
        status: STATUS[r.reason],
        view: { page: 'refused', frame: r.frame, reason: r.reason, ...(r.at ? { at: r.at } : {}) },
      };
    case 'decided': {
      const form = TaskFormSchema.safeParse(r.task.form);
      return {
        status: settledStatus,
        view: {
          page: 'decided',
          frame: r.frame,
          task: summaryOf(deps, r.task, r.link, r.plan, form.success ? form.data : undefined, []),
          decision: decisionView(r.task, r.link, r.decision),
        },
      };
    }
    case 'closed': {
      const form = TaskFormSchema.safeParse(r.task.form);
      return {
        status: settledStatus,
        view: {
          page: 'closed',
          frame: r.frame,
          task: summaryOf(deps, r.task, r.link, r.plan, form.success ? form.data : undefined, []),
          status: r.task.status as 'cancelled' | 'timed-out',
          ...(r.task.closedAt ? { closedAt: r.task.closedAt } : {}),
        },
      };
    }
  }
}

// ---- Audit of refusals ----------------------------------------------------------------------------------

const REFUSAL_WINDOW_MS = 3_600_000;

type RefusalKind = RefusalReason | 'already-decided' | 'task-closed';

/**
 * Writes `link.refused` once per (link, kind, hour): a refused link can be requested any number of times
 * (a scanner, a script), but the table grows by at most 24 events per link and kind a day. Unknown link ids
 * cost an outsider nothing to invent, so they share one event per hour in the programme-less partition
 * (`AUDIT#-#-`), which names the first id of the hour. A failed audit write never changes the page.
 */
async function auditRefusal(
  deps: ApprovalDeps,
  kind: RefusalKind,
  method: string,
  req: LinkRequest,
  link: LinkRecord | undefined,
  task: TaskRecord | undefined,
): Promise<void> {
  const now = deps.now();
  const window = Math.floor(now.getTime() / REFUSAL_WINDOW_MS);
  const verified = kind !== 'unknown' && kind !== 'bad-signature' && kind !== 'bad-form-token';
  const event: NewAuditEvent = {
    programmeId: task?.programmeId ?? '-',
    pilotId: task?.pilotId ?? '-',
    at: now.toISOString(),
    actor: verified && link ? `email:${link.assignee.email.toLowerCase()}` : 'anonymous',
    action: 'link.refused',
    ...(task ? { taskId: task.taskId, executionArn: task.executionArn } : {}),
    summary: `${method} of approval link refused: ${kind}`,
    details: {
      reason: kind,
      method,
      linkId: link ? link.linkId : isLinkId(req.linkId) ? req.linkId : '(malformed)',
      ...(link ? { assignee: link.assignee.email } : {}),
    },
  };
  const claimId = link ? `${link.linkId}#${kind}#${window}` : `unknown#${window}`;
  try {
    await appendAuditOnce(deps.store, event, {
      scope: 'link-refused',
      id: claimId,
      expiresAt: new Date((window + 2) * REFUSAL_WINDOW_MS).toISOString(),
    });
  } catch (error) {
    deps.warn?.('could not write the audit event of a refused link', { error, kind });
  }
}

// ---- GET / HEAD ------------------------------------------------------------------------------------------

/** GET (and HEAD) of a link: the task page, or what happened to the task. Writes only for refused links. */
export async function openLink(deps: ApprovalDeps, req: LinkRequest, method = 'GET'): Promise<PageResult> {
  const r = await resolve(deps, req);
  if (r.kind === 'open') return taskPage(deps, r, taskForm(r.task), 200);
  if (r.kind === 'refused') await auditRefusal(deps, r.reason, method, req, r.link, r.task);
  return statusPage(deps, r, 200);
}

// ---- POST ------------------------------------------------------------------------------------------------

/**
 * POST of a link's form: decide once. Checks, in order: the link (as GET), the form token, the form
 * (re-rendered with the official's input and a message per field on error), then one transaction that
 * closes the task, stores the decision, uses the link and writes the audit event and the callback marker;
 * then SendTaskSuccess. A second or concurrent POST, or one after someone else decided, changes nothing.
 * The decision is the assignee's whoever posts; the audit event records the request's `client` (its network
 * and browser), so that a forwarded link shows.
 */
export async function submitDecision(
  deps: ApprovalDeps,
  req: LinkRequest & { fields: ReadonlyMap<string, string>; client?: RequestClient | undefined },
): Promise<PageResult> {
  const r = await resolve(deps, req);
  if (r.kind !== 'open') {
    const kind: RefusalKind =
      r.kind === 'refused' ? r.reason : r.kind === 'decided' ? 'already-decided' : 'task-closed';
    await auditRefusal(deps, kind, 'POST', req, r.link, r.task);
    return statusPage(deps, r, 409);
  }
  const token = req.fields.get('token');
  if (!token || !verifyFormToken(deps.signingKeys, r.link.linkId, token)) {
    await auditRefusal(deps, 'bad-form-token', 'POST', req, r.link, r.task);
    return statusPage(deps, { kind: 'refused', reason: 'bad-form-token', frame: r.frame }, 403);
  }

  const form = taskForm(r.task);
  const values: Record<string, string> = {};
  // Browsers submit a textarea's line breaks as CRLF (HTML form submission); one kind of line break is stored.
  const text = (value: string) => value.replace(/\r\n?/g, '\n');
  for (const [name, value] of req.fields) {
    if (name.startsWith(FIELD_PREFIX)) values[name.slice(FIELD_PREFIX.length)] = text(value);
  }
  const decisionValue = req.fields.get('decision');
  const comment = text(req.fields.get('comment') ?? '');
  const checked = validateSubmission(form, { decision: decisionValue, comment, values });
  if (!checked.ok) {
    const input: FormInput = { comment, values, ...(decisionValue ? { decision: decisionValue } : {}) };
    return taskPage(deps, r, form, 422, input, checked.errors);
  }

  const decidedAt = deps.now().toISOString();
  const decision: Decision = {
    outcome: checked.outcome,
    comment: checked.comment,
    form: checked.form,
    // Who decided is the link's assignee, never anything the form says.
    decidedBy: r.link.assignee,
    decidedAt,
    linkId: r.link.linkId,
  };
  const recorded = await recordDecision(
    deps,
    r.task,
    decision,
    `email:${r.link.assignee.email.toLowerCase()}`,
    req.client,
  );
  if (recorded.kind !== 'decided') {
    // Someone (a concurrent POST of this link, another assignee, an administrator) was first.
    const again = await resolve(deps, req);
    const kind: RefusalKind =
      again.kind === 'refused' ? again.reason : again.kind === 'closed' ? 'task-closed' : 'already-decided';
    await auditRefusal(deps, kind, 'POST', req, r.link, r.task);
    if (again.kind === 'open') throw new Error(`task ${r.task.taskId} is open but its decision was refused`);
    return statusPage(deps, again, 409);
  }
  const delivery = await deliverDecision(deps, recorded.task);
  return {
    status: 200,
    view: {
      page: 'recorded',
      frame: r.frame,
      task: summaryOf(deps, recorded.task, r.link, r.plan, form, []),
      decision: decisionView(recorded.task, r.link, decision),
      delivery,
    },
  };
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Records a decision once (task closed, decision stored, link used, audit event and callback marker, in one
 * transaction). Concurrent attempts on the same task can cancel each other (TransactionConflict) without
 * either winning; they try again after a short random pause until one wins and the rest see it closed.
 * Usable for an administrator's decision too (no `linkId`, no `client`).
 */
export async function recordDecision(
  deps: Pick<ApprovalDeps, 'store'>,
  task: TaskRecord,
  decision: Decision,
  actor: string,
  client?: RequestClient,
): Promise<DecideResult> {
  const event = auditItem({
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at: decision.decidedAt,
    actor,
    action: 'decision.recorded',
    taskId: task.taskId,
    executionArn: task.executionArn,
    summary: `${decision.decidedBy.name} decided "${decision.outcome}" on ${task.title} (round ${task.round})`,
    details: {
      outcome: decision.outcome,
      comment: decision.comment,
      form: decision.form,
      decidedBy: decision.decidedBy,
      ...(decision.linkId ? { linkId: decision.linkId } : {}),
      ...(client ? { client } : {}),
    },
  });
  const marker = pendingCallbackItem(task.taskId, decision.decidedAt);
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideTask(deps.store, task.taskId, decision, [event, marker]);
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

// ---- The callback ---------------------------------------------------------------------------------------

/**
 * Sends a decided task's decision to Step Functions. Delivered: the task's `callbackPending` and its marker
 * go. The execution moved on (TaskTimedOut, InvalidToken, TaskDoesNotExist): the decision stays recorded,
 * the task notes why, an audit event says so, and nothing retries it. Any other failure (throttling, a
 * network error, a Step Functions outage) leaves the marker for `retryPendingCallbacks`.
 */
export async function deliverDecision(deps: CallbackDeps, task: TaskRecord): Promise<Delivery> {
  const decision = task.decision;
  if (!decision) throw new Error(`task ${task.taskId} has no decision to deliver`);
  const pending: PendingCallback = { taskId: task.taskId, decidedAt: decision.decidedAt };
  try {
    await deps.callback.sendTaskSuccess(task.taskToken, JSON.stringify(decisionOutput(task, decision)));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (!CALLBACK_GONE.has(name)) {
      deps.warn?.('SendTaskSuccess failed; the decision stays pending for the retry', {
        error,
        taskId: task.taskId,
      });
      return 'pending';
    }
    // A retried open-task may have moved the decision to its new token meanwhile (functions/store/tasks.ts
    // redirectDecision): then the old token's refusal says nothing about the new one.
    const fresh = await getTask(deps.store, task.taskId);
    if (fresh?.decision && fresh.taskToken !== task.taskToken) return deliverDecision(deps, fresh);
    const at = deps.now().toISOString();
    await abandonCallback(deps.store, pending, name, at);
    await appendAudit(deps.store, {
      eventId: `callback-failed-${task.taskId}`,
      programmeId: task.programmeId,
      pilotId: task.pilotId,
      at,
      actor: 'system',
      action: 'callback.failed',
      taskId: task.taskId,
      executionArn: task.executionArn,
      summary: `The decision on ${task.title} was recorded, but the workflow no longer waited for it (${name})`,
      details: { error: name, message: error instanceof Error ? error.message : String(error) },
    });
    return 'workflow-gone';
  }
  await settleCallback(deps.store, pending);
  return 'delivered';
}

/** Markers younger than this may belong to a request still in flight (the function's timeout is 30 s). */
export const RETRY_MIN_AGE_MS = 2 * 60_000;

export interface RetryReport {
  delivered: number;
  workflowGone: number;
  stillPending: number;
  /** Markers whose task no longer waited for a callback (a settle that stopped half-way). */
  cleared: number;
}

/**
 * The retry of undelivered decisions, run by the callback-retry schedule: every decision whose callback has
 * not been confirmed for RETRY_MIN_AGE_MS is sent again, oldest first.
 */
export async function retryPendingCallbacks(deps: CallbackDeps, limit = 100): Promise<RetryReport> {
  const report: RetryReport = { delivered: 0, workflowGone: 0, stillPending: 0, cleared: 0 };
  const before = new Date(deps.now().getTime() - RETRY_MIN_AGE_MS).toISOString();
  for (const pending of await listPendingCallbacks(deps.store, before, limit)) {
    const task = await getTask(deps.store, pending.taskId);
    if (!task?.callbackPending || !task.decision) {
      await dropPendingMarker(deps.store, pending);
      report.cleared += 1;
      continue;
    }
    const delivery = await deliverDecision(deps, task);
    if (delivery === 'delivered') report.delivered += 1;
    else if (delivery === 'workflow-gone') report.workflowGone += 1;
    else report.stillPending += 1;
  }
  return report;
}
