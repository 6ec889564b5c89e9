// The view model of the approval pages: plain data built from where a link stands (approval-view.ts) that the
// components render. Nothing here knows of DynamoDB, Step Functions or API Gateway.
import type { FormInput, RefusalReason } from '#domain/approval.ts';
import type { Delivery } from '#domain/decision.ts';
import type { FormSpec, LocalText } from '#domain/forms.ts';
import type { Locale } from '../i18n.ts';

export { FIELD_PREFIX, type FormInput, type RefusalReason } from '#domain/approval.ts';
export type { Delivery } from '#domain/decision.ts';

/** Who to contact when a link does not work, from the plan's lead unit (or configuration for unknown links). */
export interface ContactView {
  unit?: LocalText;
  name?: string;
  email?: string;
  phone?: string;
  /** Free text from configuration (HELP_CONTACT) when no plan is known. */
  text?: string;
}

/** What every page shows around its content. */
export interface PageFrame {
  locale: Locale;
  timeZone: string;
  /** The programme's title, in the page header. */
  programme?: LocalText;
  contact?: ContactView;
  /** The link's signature, for the language switch and the form's action; absent when the link is unknown. */
  sig?: string;
}

export interface HistoryEntry {
  round: number;
  title: LocalText;
  outcome: LocalText;
  comment: string;
  by: string;
  at: string;
}

/** What the task is: shown on the task page and, shorter, on the pages after a decision. */
export interface TaskSummary {
  title: LocalText;
  instructions?: LocalText;
  pilot?: LocalText;
  stage?: LocalText;
  round: number;
  dueAt: string;
  overdue: boolean;
  /** The assignee the link was sent to, as shown: "王科长 (minzheng@…)". */
  assignee: string;
  facts: Array<{ label: LocalText; value: LocalText }>;
  documents: Array<{ label: LocalText; url: string }>;
  /** The files of the submission this round is about, each with a short-lived download link. */
  files: FileView[];
  /** Longer texts the official should read: what was submitted, the problems found, earlier comments. */
  quotes: Array<{ label: LocalText; text: string }>;
  history: HistoryEntry[];
}

export interface FileView {
  name: string;
  size: number;
  /** A presigned download URL, made for this page view only. */
  url?: string;
  /** The file's key, on an open task's own uploads: its 删除 button posts it back. */
  key?: string;
}

/** A `files` field's upload form (functions/domain/evidence.ts) and the files uploaded so far. */
export interface UploadView {
  field: string;
  label: LocalText;
  required: boolean;
  /** The POST policy's URL and fields; absent when the field is full. */
  post?: { url: string; fields: Record<string, string> };
  files: FileView[];
}

export interface DecisionView {
  /** The decision's label, e.g. 同意 / Approve. */
  outcome: LocalText;
  comment: string;
  by: string;
  at: string;
  byYou: boolean;
}

export type BadRequestReason = 'too-large' | 'unsupported-media-type' | 'malformed' | 'method-not-allowed';

export type PageView =
  | {
      page: 'task';
      frame: PageFrame;
      task: TaskSummary;
      form: FormSpec;
      formToken: string;
      input?: FormInput;
      errors?: Record<string, LocalText>;
      uploads?: UploadView[];
      /** The name of the file S3 just sent the browser back from uploading. */
      justUploaded?: string;
      /** The name of a file S3 took but whose type is not accepted: deleted. */
      refusedUpload?: string;
      /** The answer to a file's 删除 button: the name of the file removed, or `gone` when it was not there. */
      removed?: string | { gone: true };
    }
  | { page: 'recorded'; frame: PageFrame; task: TaskSummary; decision: DecisionView; delivery: Delivery }
  | { page: 'decided'; frame: PageFrame; task: TaskSummary; decision: DecisionView; lateUpload?: boolean }
  | {
      page: 'closed';
      frame: PageFrame;
      task: TaskSummary;
      status: 'cancelled' | 'timed-out';
      closedAt?: string;
    }
  | {
      page: 'refused';
      frame: PageFrame;
      reason: RefusalReason;
      at?: string;
      /** A revoked link's task went to this person (a handover): the page names them. */
      handedTo?: string;
    }
  | { page: 'bad-request'; frame: PageFrame; reason: BadRequestReason }
  | { page: 'error'; frame: PageFrame };

/** A page and the HTTP status it is sent with. */
export interface PageResult {
  status: number;
  view: PageView;
}
