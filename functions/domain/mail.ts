// The domain's port to e-mail: what a message is (Email, sent by an adapter: SES or SMTP), what each kind of
// message says (the inputs the presentation floor turns into a subject, text and HTML in the plan's language),
// and the tags that tie a message to where it came from. The domain decides who is told what and when; the
// words are the presentation floor's (functions/presentation/email/), reached through `Texts`.
import type { TaskKind } from '#plan/kinds.ts';
import type { Party, Plan } from '#plan/schema.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';
import type { PlannedMessage, Recipient } from './escalation.ts';
import type { PilotSummary, ProgrammeSummary } from './summary.ts';

export interface Email {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  /** Message tags for SES event publishing, e.g. { kind: 'task', programme: '…' } (letters, digits, _ and -). */
  tags?: Record<string, string>;
  /** Files sent with the message (the summary report to the higher level). */
  attachments?: Attachment[];
}

/** A file attached to an e-mail: a generated document, a few hundred kilobytes at most. */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** A message's words: what the presentation floor makes of a message's input. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What the page and the e-mail show besides the form: set by the state machine for this round. */
export interface TaskContext {
  /** The comment of the decision that returned the previous round. */
  previousComment?: string;
  /** The problems a supervision check found (rectification, verification). */
  problems?: string;
  /** A submission to review: its summary and document link. */
  submittedSummary?: string;
  submittedDocument?: string;
  /** The files of the submission: names and sizes in the e-mail, downloads only on the page. */
  submittedFiles?: Array<{ name: string; size: number }>;
  /** The acceptance score of the previous round (rectification after acceptance). */
  score?: number | null;
  /** The member unit a countersign task is for. */
  memberUnit?: string;
}

export interface TaskEmailInput {
  plan: Plan;
  task: { kind: TaskKind; title: string; round: number; dueAt: string; pilotId: string };
  assignee: Person;
  url: string;
  linkExpiresAt: string;
  context?: TaskContext;
}

/** The one e-mail of a batch (functions/domain/batch.ts): the pilots the plan predicts, and the batch's link. */
export interface BatchEmailInput {
  plan: Plan;
  kind: TaskKind;
  dueAt: string;
  assignee: Person;
  pilotIds: string[];
  url: string;
  linkExpiresAt: string;
}

export type EscalationMailTask = Pick<
  TaskRecord,
  'taskId' | 'programmeId' | 'pilotId' | 'stage' | 'step' | 'kind' | 'title' | 'dueAt' | 'assignees'
>;

export interface EscalationMailInput {
  plan: Plan;
  task: EscalationMailTask;
  message: PlannedMessage;
  /** The sweep's instant: how long the task has been overdue. */
  now: Date;
  /** An assignee's message: a link of theirs that works (their own, or a new one where it expired). */
  actionUrl?: string;
  /**
   * A supervisor's or the leading group's message: each recipient's own link to their supervision page
   * (functions/domain/supervision.ts), in the order of the message's `to` and `cc`.
   */
  supervisionLinks?: Array<Recipient & { url: string }>;
  /** A supervisor's 催办 (supervision.ts): who asked, in the plan's language, named in the assignee's message. */
  requestedBy?: string;
  /** Level 2 and 3: the parties told at level 2 (named in the assignee's and the leading group's message). */
  supervisors?: Party[];
}

/** One item of a daily digest: a task the recipient is reminded of or asked to supervise, with its link. */
export interface DigestMailItem {
  task: EscalationMailTask;
  level: PlannedMessage['level'];
  audience: PlannedMessage['audience'];
  /** The assignee's own action link, or the recipient's link to the party's supervision page. */
  url: string;
  /** A supervisor's or the leading group's item: the party whose page the link opens. */
  party?: Party;
}

export interface DigestMailInput {
  plan: Plan;
  recipient: Recipient;
  /** The sweep's instant: the digest's day and how late each task is. */
  now: Date;
  items: DigestMailItem[];
}

export interface StalledNoticeInput {
  pilotId?: string;
  step: string;
  taskTitle?: string;
  assignees: string[];
  dueAt?: string;
  executionArn: string;
}

export interface FailureNoticeInput {
  pilotId?: string;
  /** The stage the failed execution belongs to (absent for the pilot and programme machines). */
  stage?: string;
  step?: string;
  error: string;
  cause?: string;
  executionArn: string;
}

/** The texts the domain stores or sends, in the plan's language: implemented by functions/presentation/email. */
export interface Texts {
  /** The task's title as stored and shown: `XX镇古城社区：审核实施方案（第 2 轮）`. */
  taskTitle(plan: Plan, kind: TaskKind, pilotId: string, round: number): string;
  taskEmail(input: TaskEmailInput): RenderedEmail;
  /** One e-mail for several parallel tasks of one kind, with one link to their page. */
  batchEmail(input: BatchEmailInput): RenderedEmail;
  mobilisationNotice(plan: Plan, recipient: Party, pilotCount: number): RenderedEmail;
  stalledNotice(plan: Plan, input: StalledNoticeInput): RenderedEmail;
  failureNotice(plan: Plan, input: FailureNoticeInput): RenderedEmail;
  pilotSummary(plan: Plan, summary: PilotSummary): RenderedEmail;
  programmeSummary(
    plan: Plan,
    summary: ProgrammeSummary,
    note: { text: string; document?: string },
  ): RenderedEmail;
  /** A reminder or escalation, with its recipients and tags. */
  escalationEmail(input: EscalationMailInput): Email;
  /** A recipient's daily digest of reminders and escalations. */
  digestEmail(input: DigestMailInput): Email;
}

/**
 * The tags that tie a message to where it came from: SES publishes them with its bounce and complaint events,
 * so the mail-events function records those in the right programme's, pilot's and task's history.
 */
export function sourceTags(source: {
  programmeId: string;
  pilotId?: string;
  taskId?: string;
}): Record<string, string> {
  return {
    programme: source.programmeId,
    ...(source.pilotId ? { pilot: source.pilotId } : {}),
    ...(source.taskId ? { task: source.taskId } : {}),
  };
}

/** The e-mail that asks one assignee to act on a task, with their own link. */
export function taskRequestEmail(
  texts: Texts,
  plan: Plan,
  task: TaskRecord,
  link: { assignee: Person; url: string },
  linkExpiresAt: string,
): Email {
  const words = texts.taskEmail({
    plan,
    task: {
      kind: task.kind as TaskKind,
      title: task.title,
      round: task.round,
      dueAt: task.dueAt,
      pilotId: task.pilotId,
    },
    assignee: link.assignee,
    url: link.url,
    linkExpiresAt,
    ...(task.context ? { context: task.context as TaskContext } : {}),
  });
  return {
    to: [link.assignee.email],
    ...words,
    tags: { kind: 'task', taskKind: task.kind, ...sourceTags(task) },
  };
}

/** The one e-mail of a batch to one assignee, with the batch page's link (functions/domain/batch.ts). */
export function batchRequestEmail(
  texts: Texts,
  plan: Plan,
  task: TaskRecord,
  args: { assignee: Person; pilotIds: string[]; url: string; linkExpiresAt: string },
): Email {
  const words = texts.batchEmail({
    plan,
    kind: task.kind as TaskKind,
    dueAt: task.dueAt,
    assignee: args.assignee,
    pilotIds: args.pilotIds,
    url: args.url,
    linkExpiresAt: args.linkExpiresAt,
  });
  return {
    to: [args.assignee.email],
    ...words,
    tags: { kind: 'batch', taskKind: task.kind, ...sourceTags({ programmeId: task.programmeId }) },
  };
}
