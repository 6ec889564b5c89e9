// The body of a file-upload form (multipart/form-data: the dashboard's plan upload), read by the runtime's own
// WHATWG parser (Request.formData(), no dependency) after the limits are checked: the whole body's size, the
// number of parts, and each name once. Like form-body.ts, a damaged submission is refused, not guessed.
import { BodyError, PayloadTooLargeError } from './errors.ts';
import { MAX_FORM_FIELDS } from './form-body.ts';

/** The most a multipart body may weigh: the plan's own limit (functions/domain/plan-upload.ts) is below it. */
export const MAX_MULTIPART_BYTES = 1024 * 1024;

export interface UploadedFile {
  /** The file's name as the browser sent it. */
  name: string;
  type: string;
  bytes: Uint8Array;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

/** True for `multipart/form-data` with a boundary. */
export function isMultipartContentType(contentType: string | undefined): boolean {
  return /^multipart\/form-data\s*;.*\bboundary=/i.test(contentType ?? '');
}

export async function readMultipartBody(input: {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string;
}): Promise<MultipartBody> {
  const raw = input.body ?? '';
  if (
    raw.length > (input.isBase64Encoded ? Math.ceil((MAX_MULTIPART_BYTES * 4) / 3) + 4 : MAX_MULTIPART_BYTES)
  ) {
    throw new PayloadTooLargeError('the upload is too large');
  }
  const bytes = Buffer.from(raw, input.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > MAX_MULTIPART_BYTES) throw new PayloadTooLargeError('the upload is too large');
  let form: FormData;
  try {
    form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': input.contentType },
      body: bytes,
    }).formData();
  } catch {
    throw new BodyError('malformed', 'the upload could not be read');
  }
  const body: MultipartBody = { fields: {}, files: {} };
  let parts = 0;
  const entries: Array<[string, FormDataEntryValue]> = [];
  form.forEach((value, name) => {
    entries.push([name, value]);
  });
  for (const [name, value] of entries) {
    if (++parts > MAX_FORM_FIELDS || Object.hasOwn(body.fields, name) || Object.hasOwn(body.files, name)) {
      throw new BodyError('malformed', 'the upload has a part twice, or too many parts');
    }
    if (typeof value === 'string') body.fields[name] = value;
    else {
      body.files[name] = {
        name: value.name,
        type: value.type,
        bytes: new Uint8Array(await value.arrayBuffer()),
      };
    }
  }
  return body;
}
