// The body of an HTML form post (application/x-www-form-urlencoded), parsed strictly at the boundary: a
// size limit, one content type, valid percent-encoding and UTF-8, each name once. URLSearchParams is not
// used because it silently repairs malformed input, and a damaged submission must be refused, not guessed.
import { BodyError, PayloadTooLargeError } from './errors.ts';

export const MAX_FORM_BYTES = 64 * 1024;
export const MAX_FORM_FIELDS = 200;

export type FormBodyProblem = 'too-large' | 'unsupported-media-type' | 'malformed';
export type FormBodyResult =
  | { ok: true; fields: ReadonlyMap<string, string> }
  | { ok: false; problem: FormBodyProblem };

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** True for `application/x-www-form-urlencoded`, with no charset or a UTF-8 one. */
export function isFormContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== FORM_TYPE) return false;
  return params.every((param) => {
    const [name, value] = param.split('=').map((p) => p.trim().replace(/^"|"$/g, ''));
    return name !== 'charset' || value === 'utf-8' || value === 'utf8';
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

export function parseFormBody(input: {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string | undefined;
}): FormBodyResult {
  const raw = input.body ?? '';
  // Refuse before decoding anything big: base64 is 4/3 the size of its bytes.
  if (raw.length > (input.isBase64Encoded ? Math.ceil((MAX_FORM_BYTES * 4) / 3) + 4 : MAX_FORM_BYTES)) {
    return { ok: false, problem: 'too-large' };
  }
  if (!isFormContentType(input.contentType)) return { ok: false, problem: 'unsupported-media-type' };
  const bytes = input.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_FORM_BYTES) return { ok: false, problem: 'too-large' };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const fields = new Map<string, string>();
  if (text === '') return { ok: true, fields };
  const pairs = text.split('&');
  if (pairs.length > MAX_FORM_FIELDS) return { ok: false, problem: 'malformed' };
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === undefined || value === undefined || name === '' || fields.has(name)) {
      return { ok: false, problem: 'malformed' };
    }
    fields.set(name, value);
  }
  return { ok: true, fields };
}

/** The form's fields, or the typed error its problem maps to (PayloadTooLargeError: 413, BodyError: 400). */
export function readFormBody(input: Parameters<typeof parseFormBody>[0]): ReadonlyMap<string, string> {
  const form = parseFormBody(input);
  if (form.ok) return form.fields;
  if (form.problem === 'too-large') throw new PayloadTooLargeError('the body is too large');
  throw new BodyError(form.problem);
}
