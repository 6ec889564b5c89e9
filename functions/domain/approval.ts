// Approval by e-mail link: what a GET and a POST of `/a/{linkId}?sig=…` do, as plain functions that return
// where the link stands (the handler renders it with functions/presentation/pages/approval-view.ts). A GET
// changes nothing; a POST decides once (functions/domain/decision.ts). Refused links write one audit event per
// link, reason and hour, however often they are requested.
import type { Plan } from '#plan/schema.ts';
import { appendAudit, appendAuditOnce, type NewAuditEvent } from '#store/audit.ts';
import { getLink, type LinkRecord } from '#store/links.ts';
import {
  type Decision,
  getTask,
  getTaskAndPlanHead,
  listTasksOfPilot,
  type TaskRecord,
} from '#store/tasks.ts';
import type { RequestClient } from './client.ts';
import { type CallbackDeps, type Delivery, deliverDecision, recordDecision } from './decision.ts';
import {
  type DownloadableFile,
  downloadable,
  type EvidenceStore,
  filesOf,
  filesToRecord,
  removableUpload,
  settleUpload,
  type UploadForm,
  type UploadOutcome,
  uploadFormsOf,
} from './evidence.ts';
import { type LocalText, type TaskForm, taskFormOf, validateSubmission } from './forms.ts';
import { formToken, isLinkId, type SigningKeys, verifyFormToken, verifyLinkSignature } from './links.ts';
import { findPlan, findPlanOfVersion } from './plans.ts';

export interface ApprovalDeps extends CallbackDeps {
  /** The keys that sign (current) and verify (current, previous) links and form tokens (functions/adapters/secrets.ts). */
  signingKeys: SigningKeys;
  /** The evidence bucket: needed by a task whose form takes files (functions/domain/evidence.ts). */
  evidence?: EvidenceStore | undefined;
}

export interface LinkRequest {
  linkId: string;
  sig: string | undefined;
  /** The page's own URL, where S3 sends the browser back after an upload (the same signed link). */
  returnUrl?: string | undefined;
  /** The key S3 names when it sends the browser back after an upload (`?key=`). */
  uploadedKey?: string | undefined;
}

/** Why a link cannot act: unknown, its signature or the form's token wrong, expired, revoked. */
export type RefusalReason = 'unknown' | 'bad-signature' | 'expired' | 'revoked' | 'bad-form-token';

/** The form control names: fields are prefixed so that no field can shadow `token`, `decision` or `comment`. */
export const FIELD_PREFIX = 'f.';

/** What the official typed, echoed back when the form is shown again with errors. */
export interface FormInput {
  decision?: string;
  comment: string;
  values: Record<string, string>;
}

/**
 * Where a link stands. `sig` is the request's signature once it verified (the page's form posts back to it);
 * `plan` is the programme's when the link is known.
 */
export type LinkState =
  | {
      kind: 'refused';
      reason: RefusalReason;
      at?: string;
      link?: LinkRecord;
      task?: TaskRecord;
      plan?: Plan;
    }
  | {
      kind: 'decided';
      sig: string;
      link: LinkRecord;
      task: TaskRecord;
      plan?: Plan;
      decision: Decision;
      /** An upload that reached the task after its decision: not attached, and deleted. */
      lateUpload?: boolean;
    }
  | { kind: 'closed'; sig: string; link: LinkRecord; task: TaskRecord; plan?: Plan }
  | OpenLink;

/** A link that can decide: its task's form, the earlier rounds of its step, and the form's one-time token. */
export interface OpenLink {
  kind: 'open';
  sig: string;
  link: LinkRecord;
  task: TaskRecord;
  plan?: Plan;
  form: TaskForm;
  /** Earlier rounds of the same step for this pilot (a returned plan, a repeated check), oldest first. */
  earlierRounds: TaskRecord[];
  formToken: string;
  /** One upload form per `files` field, with the files uploaded so far. */
  uploads: UploadForm[];
  /** The files this round is about (the submission a reviewer reads), each with a short-lived download link. */
  submittedFiles: DownloadableFile[];
  /** The upload S3 just sent the browser back from was refused (and deleted). */
  uploadRefused?: UploadOutcome;
  /** The page's answer to a file's removal (its 删除 button): the file removed, or `gone` (nothing was). */
  removed?: { name: string } | 'gone';
}

/** What a POST of a link's form came to. */
export type SubmitResult =
  | LinkState
  | (Omit<OpenLink, 'kind'> & { kind: 'invalid'; input: FormInput; errors: Record<string, LocalText> })
  | {
      kind: 'recorded';
      sig: string;
      link: LinkRecord;
      task: TaskRecord;
      plan?: Plan;
      form: TaskForm;
      decision: Decision;
      delivery: Delivery;
    };

type Resolved =
  | Exclude<LinkState, OpenLink>
  | Omit<OpenLink, 'form' | 'earlierRounds' | 'formToken' | 'uploads' | 'submittedFiles'>;

/**
 * The link's task and its programme's current plan. A link that names its programme has both read in one
 * request (a consistent BatchGet of the task and the plan head, so an amendment still applies at once);
 * a link made before links named it, in two.
 */
async function taskAndPlanOf(
  deps: ApprovalDeps,
  link: LinkRecord,
): Promise<{ task?: TaskRecord; plan?: Plan | undefined }> {
  if (link.programmeId) {
    const { task, planVersion } = await getTaskAndPlanHead(deps.store, link.taskId, link.programmeId);
    if (task?.programmeId === link.programmeId)
      return { task, plan: await findPlanOfVersion(deps.store, task.programmeId, planVersion) };
    if (!task) return {};
  }
  const task = await getTask(deps.store, link.taskId);
  return task ? { task, plan: await findPlan(deps.store, task.programmeId) } : {};
}

async function resolve(deps: ApprovalDeps, req: LinkRequest): Promise<Resolved> {
  if (!isLinkId(req.linkId)) return { kind: 'refused', reason: 'unknown' };
  const link = await getLink(deps.store, req.linkId);
  if (!link) return { kind: 'refused', reason: 'unknown' };
  const { task, plan } = await taskAndPlanOf(deps, link);
  if (!task) return { kind: 'refused', reason: 'unknown' };
  const known = { link, task, ...(plan ? { plan } : {}) };
  // Never echo a signature that did not verify back into the page: the state carries no `sig`.
  if (!req.sig || !verifyLinkSignature(deps.signingKeys, link, req.sig)) {
    return { kind: 'refused', reason: 'bad-signature', ...known };
  }
  const sig = req.sig;
  // A decision explains itself even on an expired or replaced link: the calmest answer is what happened.
  if (task.status === 'decided' && task.decision)
    return { kind: 'decided', sig, ...known, decision: task.decision };
  if (task.status === 'cancelled' || task.status === 'timed-out') return { kind: 'closed', sig, ...known };
  if (link.status === 'revoked') {
    return {
      kind: 'refused',
      reason: 'revoked',
      ...known,
      ...(link.revokedAt ? { at: link.revokedAt } : {}),
    };
  }
  if (link.status !== 'active' || deps.now().getTime() >= Date.parse(link.expiresAt)) {
    return { kind: 'refused', reason: 'expired', at: link.expiresAt, ...known };
  }
  return { kind: 'open', sig, ...known };
}

/** An open link with what its page needs. */
async function opened(
  deps: ApprovalDeps,
  r: Extract<Resolved, { kind: 'open' }>,
  req: LinkRequest,
): Promise<OpenLink> {
  const form = taskFormOf(r.task);
  const submitted = filesOf(r.task.context?.submittedFiles);
  return {
    ...r,
    form,
    earlierRounds: await earlierRoundsOf(deps, r.task),
    formToken: formToken(deps.signingKeys.current, r.link.linkId),
    uploads: await uploadFormsOf(deps.evidence, r.task, form, req.returnUrl),
    // The task's people may read what they are asked to review: its holder of a valid link gets the links.
    submittedFiles: deps.evidence && submitted.length > 0 ? await downloadable(deps.evidence, submitted) : [],
  };
}

async function earlierRoundsOf(deps: ApprovalDeps, task: TaskRecord): Promise<TaskRecord[]> {
  if (task.round <= 1) return [];
  const tasks = await listTasksOfPilot(deps.store, task.programmeId, task.pilotId);
  return tasks
    .filter((t) => t.step === task.step && t.round < task.round && t.status === 'decided' && t.decision)
    .sort(
      (a, b) => a.round - b.round || (a.decision?.decidedAt ?? '').localeCompare(b.decision?.decidedAt ?? ''),
    );
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
  const verified = kind !== 'unknown' && kind !== 'bad-signature' && kind !== 'bad-form-token';
  await auditRefusalOnce(
    deps,
    {
      programmeId: task?.programmeId ?? '-',
      pilotId: task?.pilotId ?? '-',
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
    },
    link ? `${link.linkId}#${kind}` : undefined,
  );
}

/**
 * Appends a refused link's `link.refused` event at most once per `subject` (a genuine link and the kind of
 * refusal) and hour; refusals of links nobody signed share one subject. A failed write is only logged.
 */
export async function auditRefusalOnce(
  deps: Pick<ApprovalDeps, 'store' | 'now' | 'warn'>,
  event: Omit<NewAuditEvent, 'at'>,
  subject: string | undefined,
): Promise<void> {
  const now = deps.now();
  const window = Math.floor(now.getTime() / REFUSAL_WINDOW_MS);
  try {
    await appendAuditOnce(
      deps.store,
      { ...event, at: now.toISOString() },
      {
        scope: 'link-refused',
        id: `${subject ?? 'unknown'}#${window}`,
        expiresAt: new Date((window + 2) * REFUSAL_WINDOW_MS).toISOString(),
      },
    );
  } catch (error) {
    deps.warn?.('could not write the audit event of a refused link', {
      error,
      reason: event.details?.reason,
    });
  }
}

const refusalOf = (r: Exclude<Resolved, { kind: 'open' }>): RefusalKind =>
  r.kind === 'refused' ? r.reason : r.kind === 'decided' ? 'already-decided' : 'task-closed';

// ---- GET / HEAD ------------------------------------------------------------------------------------------

/** GET (and HEAD) of a link: the task and its form, or what happened to it. Writes only for refused links. */
export async function openLink(deps: ApprovalDeps, req: LinkRequest, method = 'GET'): Promise<LinkState> {
  const r = await resolve(deps, req);
  // S3 sent the browser back from an upload (functions/domain/evidence.ts, settleUpload): a file that came
  // after the decision, or of a type not accepted, is refused and deleted. Nothing of the task changes.
  const upload =
    r.kind !== 'refused' && method === 'GET'
      ? await settleUpload(deps.evidence, r.task, req.uploadedKey)
      : undefined;
  if (r.kind === 'open')
    return { ...(await opened(deps, r, req)), ...(upload ? { uploadRefused: upload } : {}) };
  if (r.kind === 'refused') await auditRefusal(deps, r.reason, method, req, r.link, r.task);
  if (r.kind === 'decided' && upload === 'late') return { ...r, lateUpload: true };
  return r;
}

// ---- POST ------------------------------------------------------------------------------------------------

/**
 * Removes a file the task's official uploaded and has not submitted yet (functions/domain/evidence.ts,
 * removableUpload): audited as `evidence.removed` by the link's assignee, then deleted. A key that is not one
 * of this open task's uploads (another task's, or gone already: a second click) removes nothing.
 */
async function removeUpload(
  deps: ApprovalDeps,
  r: Extract<Resolved, { kind: 'open' }>,
  req: LinkRequest & { client?: RequestClient | undefined },
  form: TaskForm,
  key: string,
): Promise<OpenLink> {
  const file = await removableUpload(deps.evidence, r.task, form, key);
  if (file && deps.evidence) {
    // The record first: a removal that fails after it leaves the file listed, never an unrecorded removal.
    await appendAudit(deps.store, {
      programmeId: r.task.programmeId,
      pilotId: r.task.pilotId,
      taskId: r.task.taskId,
      at: deps.now().toISOString(),
      actor: `email:${r.link.assignee.email.toLowerCase()}`,
      action: 'evidence.removed',
      summary: `${r.link.assignee.name} removed the uploaded file ${file.name}`,
      details: { name: file.name, size: file.size, ...(req.client ? { client: req.client } : {}) },
    });
    await deps.evidence.deleteFile(file.key);
  }
  return { ...(await opened(deps, r, req)), removed: file ? { name: file.name } : 'gone' };
}

/**
 * POST of a link's form: decide once. Checks, in order: the link (as GET), the form token, the form
 * (shown again with the official's input and a message per field on error), then one transaction that
 * closes the task, stores the decision, uses the link and writes the audit event and the callback marker;
 * then SendTaskSuccess. A second or concurrent POST, or one after someone else decided, changes nothing.
 * The decision is the assignee's whoever posts; the audit event records the request's `client` (its network
 * and browser), so that a forwarded link shows.
 */
export async function submitDecision(
  deps: ApprovalDeps,
  req: LinkRequest & { fields: ReadonlyMap<string, string>; client?: RequestClient | undefined },
): Promise<SubmitResult> {
  const r = await resolve(deps, req);
  if (r.kind !== 'open') {
    await auditRefusal(deps, refusalOf(r), 'POST', req, r.link, r.task);
    return r;
  }
  const token = req.fields.get('token');
  if (!token || !verifyFormToken(deps.signingKeys, r.link.linkId, token)) {
    await auditRefusal(deps, 'bad-form-token', 'POST', req, r.link, r.task);
    return { kind: 'refused', reason: 'bad-form-token', ...(r.plan ? { plan: r.plan } : {}) };
  }

  const form = taskFormOf(r.task);
  // The page's other POST: removing an uploaded file before deciding (the task stays open).
  const remove = req.fields.get('remove');
  if (remove !== undefined) return removeUpload(deps, r, req, form, remove);
  const values: Record<string, string> = {};
  // Browsers submit a textarea's line breaks as CRLF (HTML form submission); one kind of line break is stored.
  const text = (value: string) => value.replace(/\r\n?/g, '\n');
  for (const [name, value] of req.fields) {
    if (name.startsWith(FIELD_PREFIX)) values[name.slice(FIELD_PREFIX.length)] = text(value);
  }
  const decisionValue = req.fields.get('decision');
  const comment = text(req.fields.get('comment') ?? '');
  // The files are what is in the task's prefix now, recorded with the decision in its one transaction.
  const files = await filesToRecord(deps.evidence, r.task, form);
  const checked = validateSubmission(form, { decision: decisionValue, comment, values, files });
  if (!checked.ok) {
    const input: FormInput = { comment, values, ...(decisionValue ? { decision: decisionValue } : {}) };
    return { ...(await opened(deps, r, req)), kind: 'invalid', input, errors: checked.errors };
  }

  const decision: Decision = {
    outcome: checked.outcome,
    comment: checked.comment,
    form: checked.form,
    // Who decided is the link's assignee, never anything the form says.
    decidedBy: r.link.assignee,
    decidedAt: deps.now().toISOString(),
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
    if (again.kind === 'open') throw new Error(`task ${r.task.taskId} is open but its decision was refused`);
    await auditRefusal(deps, refusalOf(again), 'POST', req, r.link, r.task);
    return again;
  }
  const delivery = await deliverDecision(deps, recorded.task);
  return { ...r, kind: 'recorded', task: recorded.task, form, decision, delivery };
}
