// Evidence files on the approval pages: what an official may upload (the rules of the POST policy), where a
// task's files live (one key prefix per task and field), and the port to the bucket (functions/adapters/
// evidence-store.ts). The browser posts each file straight to S3 with a presigned POST policy; the decision's
// POST lists what is under the task's prefix and records it with the decision (functions/domain/approval.ts).
import * as z from 'zod';
import type { TaskRecord } from '#store/tasks.ts';

/** A file recorded with a decision: what the reviewer's page and the e-mail show, and its key in the bucket. */
export const StoredFileSchema = z.strictObject({
  name: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  key: z.string().min(1).max(1024),
});
export type StoredFile = z.infer<typeof StoredFileSchema>;
export const StoredFilesSchema = z.array(StoredFileSchema).max(100);

/** The bucket, as the domain needs it (the adapter binds the bucket's name). */
export interface EvidenceStore {
  presignUpload(options: {
    keyPrefix: string;
    maxBytes: number;
    contentTypes: readonly string[];
    expiresSeconds: number;
    successRedirect?: string;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  presignDownload(options: { key: string; filename: string; expiresSeconds: number }): Promise<string>;
  listFiles(prefix: string): Promise<Array<{ key: string; size: number }>>;
  deleteFile(key: string): Promise<void>;
}

/** At most 20 MB a file: a phone's photo or a scanned plan, not a video. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** An upload form is good for 15 minutes; the page offers a fresh one on every visit. */
export const UPLOAD_EXPIRES_SECONDS = 15 * 60;
/** A download link is good for 5 minutes after the page that shows it was rendered. */
export const DOWNLOAD_EXPIRES_SECONDS = 5 * 60;
/** At most this many files per field: a task's evidence, not an archive. */
export const MAX_FILES_PER_FIELD = 20;

/** Photos (a phone's camera or gallery), PDF, and the Office and WPS documents a county clerk has. */
export const UPLOAD_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'image/webp',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.ms-works',
  'application/wps-office.docx',
];

/** The file input's `accept`: the types, and the extensions for browsers that match by name. */
export const UPLOAD_ACCEPT = [
  'image/*',
  '.pdf',
  '.doc',
  '.docx',
  '.xls',
  '.xlsx',
  '.ppt',
  '.pptx',
  '.wps',
  'application/pdf',
].join(',');

/** Where a task's files live: `evidence/<programme>/<pilot>/<task>/`. */
export function taskPrefix(task: Pick<TaskRecord, 'programmeId' | 'pilotId' | 'taskId'>) {
  return `evidence/${task.programmeId}/${task.pilotId}/${task.taskId}/`;
}

/** Where a task's files of one field live: `evidence/<programme>/<pilot>/<task>/<field>/`. */
export function evidencePrefix(task: Pick<TaskRecord, 'programmeId' | 'pilotId' | 'taskId'>, field: string) {
  return `${taskPrefix(task)}${field}/`;
}

/**
 * The file names accepted, by extension: what a reviewer opens the file with. The browser's type is only a
 * claim (and a form without JavaScript cannot send it), so the name decides; the page's script checks both.
 */
export const UPLOAD_EXTENSIONS: readonly string[] = [
  'jpg',
  'jpeg',
  'png',
  'heic',
  'heif',
  'webp',
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'wps',
  'et',
  'dps',
];

/** Whether a file of this name may be attached. */
export function acceptedName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && UPLOAD_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}

/** A file's name as uploaded: the key's last part (the browser's file name, `${filename}` in the policy). */
export const fileNameOf = (key: string) => key.slice(key.lastIndexOf('/') + 1) || key;

/** The files under a field's prefix that may be attached, in the store's order (oldest first). */
export async function filesUnder(store: EvidenceStore, prefix: string): Promise<StoredFile[]> {
  const objects = await store.listFiles(prefix);
  return objects
    .filter((o) => o.key.startsWith(prefix) && !o.key.endsWith('/') && acceptedName(fileNameOf(o.key)))
    .map((o) => ({ name: fileNameOf(o.key), size: o.size, key: o.key }));
}

/** The files a stored value holds (a decision's form value, a task's context), or none. */
export function filesOf(value: unknown): StoredFile[] {
  const parsed = StoredFilesSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** A file with a short-lived download link, for a page rendered for someone allowed to read it. */
export interface DownloadableFile extends StoredFile {
  url: string;
}

/** Download links for files, made now; only for the people of the task (a valid link) and administrators. */
export async function downloadable(store: EvidenceStore, files: StoredFile[]): Promise<DownloadableFile[]> {
  return Promise.all(
    files.map(async (f) => ({
      ...f,
      url: await store.presignDownload({
        key: f.key,
        filename: f.name,
        expiresSeconds: DOWNLOAD_EXPIRES_SECONDS,
      }),
    })),
  );
}

// ---- A task's files on its page -----------------------------------------------------------------------------

/** One `files` field's upload form on a task's page: the POST policy's URL and fields, and what is there. */
export interface UploadForm {
  field: string;
  /** Absent when the field holds MAX_FILES_PER_FIELD files already: the page offers no more uploads. */
  post?: { url: string; fields: Record<string, string> };
  files: StoredFile[];
}

interface FormFields {
  fields: ReadonlyArray<{ name: string; kind: string }>;
}
type TaskKeys = Pick<TaskRecord, 'programmeId' | 'pilotId' | 'taskId'>;

const filesFields = (form: FormFields) => form.fields.filter((f) => f.kind === 'files').map((f) => f.name);

/** The evidence store a form with `files` fields needs: a missing one is a wiring bug, not the official's. */
export function requireEvidence(
  store: EvidenceStore | undefined,
  form: FormFields,
): EvidenceStore | undefined {
  if (filesFields(form).length === 0) return undefined;
  if (!store)
    throw new Error('this form takes files, but the function has no evidence bucket (EVIDENCE_BUCKET)');
  return store;
}

/**
 * The upload forms of an open task's page, one per `files` field: a fresh POST policy limited to the field's
 * prefix, 20 MB, the allowed types and 15 minutes, whose success redirect is `returnUrl` (the page itself).
 * Listing and signing change nothing, so a GET may do both.
 */
export async function uploadFormsOf(
  store: EvidenceStore | undefined,
  task: TaskKeys,
  form: FormFields,
  returnUrl: string | undefined,
): Promise<UploadForm[]> {
  const evidence = requireEvidence(store, form);
  if (!evidence) return [];
  return Promise.all(
    filesFields(form).map(async (field) => {
      const prefix = evidencePrefix(task, field);
      const files = await filesUnder(evidence, prefix);
      if (files.length >= MAX_FILES_PER_FIELD) return { field, files };
      const post = await evidence.presignUpload({
        // The store adds a random folder per form and `${filename}`: no upload replaces an earlier file.
        keyPrefix: prefix,
        maxBytes: MAX_UPLOAD_BYTES,
        contentTypes: UPLOAD_TYPES,
        expiresSeconds: UPLOAD_EXPIRES_SECONDS,
        ...(returnUrl ? { successRedirect: returnUrl } : {}),
      });
      // Several types share no common beginning, so the policy allows any Content-Type (the form carries
      // application/octet-stream; the page's script sets the file's own) and the name decides (acceptedName).
      return { field, post: { url: post.url, fields: post.fields }, files };
    }),
  );
}

/** The files under each `files` field's prefix now: what a decision posted now records. */
export async function filesToRecord(
  store: EvidenceStore | undefined,
  task: TaskKeys,
  form: FormFields,
): Promise<Record<string, StoredFile[]>> {
  const evidence = requireEvidence(store, form);
  if (!evidence) return {};
  const entries = await Promise.all(
    filesFields(form).map(
      async (field) =>
        [
          field,
          (await filesUnder(evidence, evidencePrefix(task, field))).slice(0, MAX_FILES_PER_FIELD),
        ] as const,
    ),
  );
  return Object.fromEntries(entries);
}

/**
 * The file `key` names among an open task's uploads, when it is one: under one of the form's `files` fields of
 * this very task, and there now. What an official may remove before deciding (a wrong photo, an old version);
 * a key of another task, a recorded file or one already gone is undefined, and nothing is touched.
 */
export async function removableUpload(
  store: EvidenceStore | undefined,
  task: TaskKeys,
  form: FormFields,
  key: string,
): Promise<StoredFile | undefined> {
  const evidence = requireEvidence(store, form);
  if (!evidence) return undefined;
  const prefix = filesFields(form)
    .map((field) => evidencePrefix(task, field))
    .find((p) => key.startsWith(p));
  if (!prefix) return undefined;
  return (await filesUnder(evidence, prefix)).find((f) => f.key === key);
}

/** Every file a decision recorded, whatever its field. */
export function decisionFiles(form: Record<string, unknown> | undefined): StoredFile[] {
  return Object.values(form ?? {}).flatMap(filesOf);
}

/** What became of the upload S3 just sent the browser back from. */
export type UploadOutcome = 'late' | 'wrong-type';

/**
 * The upload S3 sends the browser back from (`?key=` on the page's GET) is accepted or refused here, the one
 * place a person is present to read why: an object that reached a decided or closed task's prefix (from a
 * page opened before the decision) is never attached, and one whose name is not of an accepted type (a form
 * posted without the page's script) is never listed; both are deleted. Only a verified link of the task gets
 * here, only an object under this task's own prefix is touched, and what a decision recorded stays. The task,
 * its decision and its links do not change.
 */
export async function settleUpload(
  store: EvidenceStore | undefined,
  task: TaskKeys & Pick<TaskRecord, 'decision' | 'status'>,
  key: string | undefined,
): Promise<UploadOutcome | undefined> {
  if (!store || !key?.startsWith(taskPrefix(task))) return undefined;
  if (task.status !== 'open') {
    if (decisionFiles(task.decision?.form).some((f) => f.key === key)) return undefined;
    await store.deleteFile(key);
    return 'late';
  }
  if (acceptedName(fileNameOf(key))) return undefined;
  await store.deleteFile(key);
  return 'wrong-type';
}
