// Evidence files (implementation plans, photos, rectification proof…) in the private evidence bucket: the only
// module that talks to S3 for them. Browsers upload straight to S3 with a signed POST form and download through
// short-lived signed GET URLs; no file passes through a function.
//
// Keys (one prefix per task, so that a form signed for one task cannot write into another's files):
//
//   evidence/<programmeId>/<pilotId>/<taskId>/<uploadId>/<filename>
//
// `uploadId` is a random UUID per signed form, so two files of the same name never overwrite each other, and
// `<filename>` is the browser's own name for the file, put in by S3 where the form's key says `${filename}`.
// Listing `evidence/<programmeId>/<pilotId>/<taskId>/` gives a task's files.
//
// On AWS the client finds S3 itself; the local cloud sets AWS_ENDPOINT_URL_S3 to its S3 server, which
// answers on one host and port, so buckets go in the path there (forcePathStyle).
import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '#lib/config.ts';
import { attachmentDisposition } from '#lib/content-disposition.ts';
import { traced } from '#lib/observability.ts';
import { once } from '#lib/once.ts';

export const EVIDENCE_ROOT = 'evidence/';

/** What S3 replaces, in an upload form's key, with the name of the file the browser sends. */
export const FILENAME_VARIABLE = '$' + '{filename}';

/** The largest evidence file the forms accept by default: 20 MB, a phone photo or a scanned PDF with room. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface TaskRef {
  programmeId: string;
  pilotId: string;
  taskId: string;
}

/** `evidence/<programmeId>/<pilotId>/<taskId>/`: every file of the task, and nothing else, starts with it. */
export function evidencePrefix({ programmeId, pilotId, taskId }: TaskRef): string {
  return `${EVIDENCE_ROOT}${[programmeId, pilotId, taskId].map(segment).join('/')}/`;
}

/** An id as one key segment: a `/` in it would let one task's prefix reach into another's. */
function segment(value: string): string {
  if (!value || value === '.' || value === '..') throw new Error(`not a key segment: '${value}'`);
  return /^[\w.-]+$/.test(value) ? value : encodeURIComponent(value);
}

export interface UploadRequest {
  bucket: string;
  /** The task's prefix (evidencePrefix); the form's key is `<keyPrefix><uploadId>/${filename}`. */
  keyPrefix: string;
  /** The largest file accepted, in bytes (content-length-range 1…maxBytes). */
  maxBytes: number;
  /**
   * The content types accepted: exact types (`application/pdf`) or families ending in `/` (`image/`). A POST
   * policy's conditions must all hold (S3 has no "one of"), so one entry is enforced by S3 itself (`eq`, or
   * `starts-with` for a family); with several, S3 can only require their common beginning (often nothing), and
   * whoever attaches the file checks its type with `headFile` and `allowsContentType`.
   */
  contentTypes: readonly string[];
  /** How long the form can be used (e.g. 900 for 15 minutes). */
  expiresSeconds: number;
  /** Where S3 sends the browser after a stored upload (303, with `bucket`, `key` and `etag` in the query). */
  successRedirect?: string;
}

/** A browser form: POST `fields` (in this order), then the file as the last field, named `file`, to `url`. */
export interface UploadForm {
  url: string;
  fields: Record<string, string>;
  /** The key the file will have, with `${filename}` still in it. */
  key: string;
  /** When the form stops working. */
  expires: Date;
}

export interface StoredFile {
  key: string;
  /** The browser's name for the file (the key's last part). */
  filename: string;
  size: number;
  lastModified: Date | undefined;
}

export interface FileHead extends StoredFile {
  contentType: string | undefined;
}

export interface EvidenceStore {
  presignUpload(request: UploadRequest): Promise<UploadForm>;
  /** A GET URL that downloads the file under its own name (RFC 5987 for Chinese names) until it expires. */
  presignDownload(request: {
    bucket: string;
    key: string;
    filename: string;
    expiresSeconds: number;
  }): Promise<string>;
  /** Every file under `prefix`, oldest first (all pages of the listing). */
  listFiles(bucket: string, prefix: string): Promise<StoredFile[]>;
  /** The file's size and content type, or undefined when there is none. */
  headFile(bucket: string, key: string): Promise<FileHead | undefined>;
  /** Deletes the file (nothing happens if it is gone already). */
  deleteFile(bucket: string, key: string): Promise<void>;
}

/** Whether `contentType` is one of `allowed` (an exact type, or a family ending in `/`); parameters are ignored. */
export function allowsContentType(allowed: readonly string[], contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return false;
  return allowed.some((entry) => (entry.endsWith('/') ? type.startsWith(entry) : type === entry));
}

/** The name the browser gave the file: what follows the upload id in the key. */
export function filenameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** The Content-Type condition of a policy for `contentTypes` (see UploadRequest.contentTypes). */
export function contentTypeCondition(
  contentTypes: readonly string[],
): ['eq' | 'starts-with', string, string] {
  const [only, ...others] = contentTypes;
  if (only === undefined) throw new Error('an upload needs at least one content type');
  if (others.length === 0) return [only.endsWith('/') ? 'starts-with' : 'eq', '$Content-Type', only];
  let common = only;
  for (const type of others) {
    while (!type.startsWith(common)) common = common.slice(0, -1);
  }
  return ['starts-with', '$Content-Type', common];
}

/**
 * An upload's folder: the signing time in milliseconds, then the machine's monotonic clock (the local cloud's
 * functions read a clock that can stand still; on AWS the milliseconds order them), then a UUID, so that
 * folders sort in the order their forms were signed, and every form signed writes a folder of its own.
 */
function uploadId(): string {
  const ms = Date.now().toString(36).padStart(9, '0');
  const tick = process.hrtime.bigint().toString(36).padStart(13, '0');
  return `${ms}${tick}-${randomUUID()}`;
}

export function createEvidenceStore(s3: S3Client): EvidenceStore {
  return {
    async presignUpload(request) {
      if (!request.keyPrefix.startsWith(EVIDENCE_ROOT) || !request.keyPrefix.endsWith('/')) {
        throw new Error(`an upload prefix is a task's evidence folder, not '${request.keyPrefix}'`);
      }
      const key = `${request.keyPrefix}${uploadId()}/${FILENAME_VARIABLE}`;
      const condition = contentTypeCondition(request.contentTypes);
      const fields: Record<string, string> = {};
      // With one exact type the form carries it. Otherwise the page sets Content-Type to the file's type (a
      // script can, a plain form cannot); when any type passes the policy the form starts with a generic one.
      // (Every field given to createPresignedPost gets an exact condition, so the generic one is added after.)
      if (condition[0] === 'eq') fields['Content-Type'] = condition[2];
      const generic = condition[0] === 'starts-with' && condition[2] === '';
      const conditions: Array<unknown> = [
        ['content-length-range', 1, request.maxBytes],
        // createPresignedPost adds ["starts-with", "$key", <key up to ${filename}>]: this uploadId's folder.
        ['starts-with', '$key', request.keyPrefix],
        condition,
      ];
      if (request.successRedirect) {
        fields.success_action_redirect = request.successRedirect;
      } else {
        fields.success_action_status = '201';
      }
      const expires = new Date(Date.now() + request.expiresSeconds * 1000);
      const post = await createPresignedPost(s3, {
        Bucket: request.bucket,
        Key: key,
        Fields: fields,
        Conditions: conditions as never,
        Expires: request.expiresSeconds,
      });
      const formFields = generic
        ? { 'Content-Type': 'application/octet-stream', ...post.fields }
        : post.fields;
      return { url: post.url, fields: formFields, key, expires };
    },

    presignDownload({ bucket, key, filename, expiresSeconds }) {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(filename),
      });
      return getSignedUrl(s3, command, { expiresIn: expiresSeconds });
    },

    async listFiles(bucket, prefix) {
      const files: StoredFile[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          files.push({
            key: object.Key,
            filename: filenameOf(object.Key),
            size: object.Size ?? 0,
            lastModified: object.LastModified,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      // In the order they were uploaded: S3's LastModified has whole seconds (and the local cloud's clock may
      // stand still), so uploads within one second are ordered by their time-ordered folder (uploadId).
      return files.sort(
        (a, b) =>
          (a.lastModified?.getTime() ?? 0) - (b.lastModified?.getTime() ?? 0) ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
    },

    async headFile(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          key,
          filename: filenameOf(key),
          size: head.ContentLength ?? 0,
          lastModified: head.LastModified,
          contentType: head.ContentType,
        };
      } catch (error) {
        if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
        throw error;
      }
    },

    async deleteFile(bucket, key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/** The function instance's store, over one traced S3 client (STYLE.md §2). */
export const getEvidenceStore: () => EvidenceStore = once(() =>
  createEvidenceStore(traced(new S3Client({ forcePathStyle: config.PILOTFLOW_LOCAL === '1' }))),
);
