// The approval pages' view of where a link stands (functions/domain/approval.ts): the frame in the page's
// language, what the task is, its earlier rounds and its decision, and the HTTP status each page is sent with.
import type { LinkState, OpenLink, RefusalReason, SubmitResult } from '#domain/approval.ts';
import { fileNameOf, filesOf } from '#domain/evidence.ts';
import {
  decisionLabel,
  type LocalText,
  storedContextOf,
  type TaskForm,
  TaskFormSchema,
} from '#domain/forms.ts';
import { findParty, findPilot, leadUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import type { LinkRecord } from '#store/links.ts';
import type { Decision, Person, TaskRecord } from '#store/tasks.ts';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, type Locale, parseLocale, same } from '../i18n.ts';
import { KIND_TEXT, PAGE, STAGE_TEXT } from '../words.ts';
import type {
  ContactView,
  DecisionView,
  HistoryEntry,
  PageFrame,
  PageResult,
  TaskSummary,
  UploadView,
} from './model.ts';

/** What the page needs besides the link's state. */
export interface ViewContext {
  /** The `lang` query parameter, if any. */
  lang?: string | undefined;
  /** Whom to contact about a link the system does not know (HELP_CONTACT); the plan's lead unit otherwise. */
  helpContact?: string | undefined;
  now: Date;
  /** The key S3 names when it sends the browser back after an upload. */
  uploadedKey?: string | undefined;
}

const STATUS: Record<RefusalReason, number> = {
  unknown: 404,
  'bad-signature': 403,
  'bad-form-token': 403,
  expired: 410,
  revoked: 410,
};

function contactOf(
  plan: Plan | undefined,
  helpContact: string | undefined,
  locale: Locale,
): ContactView | undefined {
  if (plan) {
    const unit = leadUnit(plan);
    const person = unit.contacts[0];
    const name = locale === 'en' ? (person?.nameEn ?? person?.name) : person?.name;
    return {
      unit: { zh: unit.name, en: unit.nameEn },
      ...(person ? { name, email: person.email } : {}),
      ...(person?.phone ? { phone: person.phone } : {}),
    };
  }
  return helpContact ? { text: helpContact } : undefined;
}

/** The frame of a page: the request's language or the plan's, its time zone, whom to contact, the link's `sig`. */
export function frameOf(ctx: ViewContext, plan: Plan | undefined, sig: string | undefined): PageFrame {
  const locale = parseLocale(ctx.lang) ?? (plan?.programme.locale as Locale | undefined) ?? DEFAULT_LOCALE;
  const contact = contactOf(plan, ctx.helpContact, locale);
  return {
    locale,
    timeZone: plan?.programme.timezone ?? DEFAULT_TIME_ZONE,
    ...(plan ? { programme: { zh: plan.programme.title, en: plan.programme.titleEn } } : {}),
    ...(contact ? { contact } : {}),
    ...(sig ? { sig } : {}),
  };
}

const personText = (p: Person) => `${p.name} (${p.email})`;

function kindText(kind: string) {
  return KIND_TEXT[kind as keyof typeof KIND_TEXT] as (typeof KIND_TEXT)[keyof typeof KIND_TEXT] | undefined;
}

function historyOf(earlierRounds: TaskRecord[]): HistoryEntry[] {
  return earlierRounds.map((t) => {
    const decision = t.decision as Decision;
    const spec = TaskFormSchema.safeParse(t.form);
    const kind = kindText(t.kind);
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
function contextItems(plan: Plan | undefined, task: TaskRecord) {
  const context = storedContextOf(task);
  const facts: TaskSummary['facts'] = [];
  const documents: TaskSummary['documents'] = [];
  const quotes: TaskSummary['quotes'] = [];
  if (context.memberUnit) {
    // A countersign member is a unit id, or the role `pilot` (the pilot acknowledges too): shown by its name.
    const id = context.memberUnit === 'pilot' ? task.pilotId : context.memberUnit;
    const party = plan ? findParty(plan, id) : undefined;
    facts.push({
      label: PAGE.memberUnit,
      value: party ? { zh: party.name, en: party.nameEn } : same(context.memberUnit),
    });
  }
  if (typeof context.score === 'number') {
    facts.push({ label: PAGE.previousScore, value: same(String(context.score)) });
  }
  if (context.submittedSummary) {
    quotes.push({ label: PAGE.submitted, text: context.submittedSummary });
  }
  if (context.submittedDocument) {
    documents.push({ label: PAGE.submittedDocument, url: context.submittedDocument });
  }
  if (context.problems) quotes.push({ label: PAGE.problems, text: context.problems });
  if (context.previousComment) {
    quotes.push({ label: PAGE.previousComment, text: context.previousComment });
  }
  return { facts, documents, quotes };
}

function summaryOf(
  ctx: ViewContext,
  task: TaskRecord,
  link: LinkRecord,
  plan: Plan | undefined,
  form: TaskForm | undefined,
  history: HistoryEntry[],
): TaskSummary {
  const pilot = plan ? findPilot(plan, task.pilotId) : undefined;
  const stage = STAGE_TEXT[task.stage as keyof typeof STAGE_TEXT] as LocalText | undefined;
  const kind = kindText(task.kind);
  const instructions = form?.instructions ?? (kind ? { zh: kind.whatZh, en: kind.whatEn } : undefined);
  const context = contextItems(plan, task);
  return {
    // The kind's name in the page's language; the stored title is in the plan's language only.
    title: form?.title ?? (kind ? { zh: kind.zh, en: kind.en } : same(task.title)),
    ...(instructions ? { instructions } : {}),
    pilot: pilot ? { zh: pilot.name, en: pilot.nameEn } : same(task.pilotId),
    ...(stage ? { stage } : {}),
    round: task.round,
    dueAt: task.dueAt,
    overdue: task.status === 'open' && ctx.now.getTime() > Date.parse(task.dueAt),
    assignee: personText(link.assignee),
    facts: [...context.facts, ...(form?.facts ?? [])],
    documents: [...context.documents, ...(form?.documents ?? [])],
    // Names and sizes; the open page replaces them with downloadable ones (uploadsView below).
    files: filesOf(task.context?.submittedFiles).map((f) => ({ name: f.name, size: f.size })),
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

/** The upload forms of an open page, labelled from its form, and the name of a file just uploaded. */
function uploadsView(
  state: Pick<OpenLink, 'form' | 'uploads' | 'uploadRefused' | 'removed'>,
  ctx: ViewContext,
) {
  const uploads: UploadView[] = state.uploads.map((u) => {
    const field = state.form.fields.find((f) => f.name === u.field);
    return {
      field: u.field,
      label: field?.label ?? same(u.field),
      required: field?.required ?? false,
      ...(u.post ? { post: u.post } : {}),
      files: u.files.map((f) => ({ name: f.name, size: f.size, key: f.key })),
    };
  });
  const just = state.uploads.flatMap((u) => u.files).find((f) => f.key === ctx.uploadedKey);
  return {
    uploads,
    ...(just ? { justUploaded: just.name } : {}),
    ...(state.uploadRefused === 'wrong-type' && ctx.uploadedKey
      ? { refusedUpload: fileNameOf(ctx.uploadedKey) }
      : {}),
    ...(state.removed
      ? { removed: state.removed === 'gone' ? { gone: true as const } : state.removed.name }
      : {}),
  };
}

const storedForm = (task: TaskRecord) => {
  const form = TaskFormSchema.safeParse(task.form);
  return form.success ? form.data : undefined;
};

/**
 * The page for a link's state. `settledStatus` is what a decided or closed task answers: 200 to a GET (the
 * calm answer), 409 to a POST (it changed nothing).
 */
export function linkPage(state: LinkState | SubmitResult, ctx: ViewContext, settledStatus = 200): PageResult {
  switch (state.kind) {
    case 'refused': {
      const frame = frameOf(ctx, state.plan, undefined);
      // A handover names who has the task now; to the newcomer's own old link, the usual "use the newest e-mail".
      const to = state.reason === 'revoked' ? state.link?.handedTo : undefined;
      const mine = to?.email && to.email.toLowerCase() === state.link?.assignee.email.toLowerCase();
      const handedTo = to && !mine && (frame.locale === 'en' ? (to.nameEn ?? to.name) : to.name);
      return {
        status: STATUS[state.reason],
        view: {
          page: 'refused',
          frame,
          reason: state.reason,
          ...(state.at ? { at: state.at } : {}),
          ...(handedTo ? { handedTo } : {}),
        },
      };
    }
    case 'open':
    case 'invalid':
      return {
        status: state.kind === 'open' ? 200 : 422,
        view: {
          page: 'task',
          frame: frameOf(ctx, state.plan, state.sig),
          task: {
            ...summaryOf(ctx, state.task, state.link, state.plan, state.form, historyOf(state.earlierRounds)),
            ...(state.submittedFiles.length > 0 ? { files: state.submittedFiles } : {}),
          },
          form: state.form,
          formToken: state.formToken,
          ...uploadsView(state, ctx),
          ...(state.kind === 'invalid' ? { input: state.input, errors: state.errors } : {}),
        },
      };
    case 'recorded':
      return {
        status: 200,
        view: {
          page: 'recorded',
          frame: frameOf(ctx, state.plan, state.sig),
          task: summaryOf(ctx, state.task, state.link, state.plan, state.form, []),
          decision: decisionView(state.task, state.link, state.decision),
          delivery: state.delivery,
        },
      };
    case 'decided':
      return {
        status: settledStatus,
        view: {
          page: 'decided',
          frame: frameOf(ctx, state.plan, state.sig),
          task: summaryOf(ctx, state.task, state.link, state.plan, storedForm(state.task), []),
          decision: decisionView(state.task, state.link, state.decision),
          ...(state.lateUpload ? { lateUpload: true } : {}),
        },
      };
    case 'closed':
      return {
        status: settledStatus,
        view: {
          page: 'closed',
          frame: frameOf(ctx, state.plan, state.sig),
          task: summaryOf(ctx, state.task, state.link, state.plan, storedForm(state.task), []),
          status: state.task.status as 'cancelled' | 'timed-out',
          ...(state.task.closedAt ? { closedAt: state.task.closedAt } : {}),
        },
      };
  }
}

/** The page answering a POST: a decided or closed task answers 409 (the POST changed nothing). */
export const decisionPage = (result: SubmitResult, ctx: ViewContext): PageResult =>
  linkPage(result, ctx, 409);
