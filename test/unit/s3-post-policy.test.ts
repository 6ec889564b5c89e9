// The local S3 front's checks, without a server: browser upload forms made by the evidence adapter (through
// the AWS SDK's createPresignedPost) checked as S3 checks their POST policy, and presigned GET URLs (the SDK's
// getSignedUrl) checked as S3 checks SigV4 query signatures. A good form or URL passes; each broken condition
// is refused with S3's status and code.
import { S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allowsContentType,
  contentTypeCondition,
  createEvidenceStore,
  FILENAME_VARIABLE,
  type UploadForm,
} from '#adapters/evidence-store.ts';
import { S3Error } from '#local/cloud/s3-errors.ts';
import { checkPostPolicy, checkSize, type PostFields, signPolicy } from '#local/cloud/s3-post-policy.ts';
import { verifySigV4 } from '#local/cloud/s3-sigv4.ts';

const BUCKET = 'evidence-bucket';
const PREFIX = 'evidence/p1/town-a/t1/';
const SECRETS: Record<string, string> = { local: 'local-secret' };
const secretOf = (id: string) => SECRETS[id];
const s3 = new S3Client({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local-secret' },
});
const store = createEvidenceStore(s3);

let form: UploadForm;
let signedAt: Date;
beforeAll(async () => {
  signedAt = new Date();
  form = await store.presignUpload({
    bucket: BUCKET,
    keyPrefix: PREFIX,
    maxBytes: 1000,
    contentTypes: ['application/pdf'],
    expiresSeconds: 900,
  });
});

/** The form's fields as the front reads them (names lower-cased), with changes. */
function fieldsOf(changes: Record<string, string | undefined> = {}): PostFields {
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...form.fields, ...changes })) {
    if (value !== undefined) fields.set(name.toLowerCase(), value);
  }
  return fields;
}

function refusal(run: () => unknown): { status: number; code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof S3Error) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

const check = (fields: PostFields, at = signedAt, filename = '方案.pdf') =>
  checkPostPolicy(fields, filename, { bucket: BUCKET, now: at, secretOf });

describe('a POST policy', () => {
  it('passes a good form, its key with the file name in and its size range from the policy', () => {
    const checked = check(fieldsOf());
    expect(checked.key).toMatch(/^evidence\/p1\/town-a\/t1\/[0-9a-z]{22}-[0-9a-f-]{36}\/方案\.pdf$/);
    expect(checked).toMatchObject({ minBytes: 1, maxBytes: 1000 });
    expect(() => checkSize(1000, checked)).not.toThrow();
  });

  it('refuses a file over content-length-range with EntityTooLarge', () => {
    expect(refusal(() => checkSize(1001, check(fieldsOf())))).toMatchObject({
      status: 400,
      code: 'EntityTooLarge',
    });
  });

  it('refuses an empty file with EntityTooSmall', () => {
    expect(refusal(() => checkSize(0, check(fieldsOf())))).toMatchObject({
      status: 400,
      code: 'EntityTooSmall',
    });
  });

  it("refuses a key outside the task's prefix", () => {
    expect(refusal(() => check(fieldsOf({ key: `evidence/p1/town-b/t1/x/${FILENAME_VARIABLE}` })))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: Policy Condition failed: ["starts-with","$key","${PREFIX}"]`,
    });
  });

  it('refuses another content type', () => {
    expect(refusal(() => check(fieldsOf({ 'Content-Type': 'text/html' })))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message:
        'Invalid according to Policy: Policy Condition failed: ["eq","$Content-Type","application/pdf"]',
    });
  });

  it('refuses a form without the field a condition names', () => {
    expect(refusal(() => check(fieldsOf({ 'Content-Type': undefined })))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
  });

  it('refuses a form with a field no condition names', () => {
    expect(refusal(() => check(fieldsOf({ 'x-amz-meta-note': 'hi' })))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Extra input fields: x-amz-meta-note',
    });
  });

  it('refuses a form used after its policy expired', () => {
    const later = new Date(form.expires.getTime() + 1000);
    expect(refusal(() => check(fieldsOf(), later))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('refuses a tampered signature', () => {
    expect(refusal(() => check(fieldsOf({ 'X-Amz-Signature': '0'.repeat(64) })))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a policy rewritten to allow more, since its signature no longer matches', () => {
    const policy = JSON.parse(Buffer.from(form.fields.Policy as string, 'base64').toString('utf8'));
    policy.conditions[0] = ['content-length-range', 1, 10 ** 9];
    const forged = Buffer.from(JSON.stringify(policy)).toString('base64');
    expect(refusal(() => check(fieldsOf({ Policy: forged })))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a form signed with a key the server does not know', () => {
    const credential = (form.fields['X-Amz-Credential'] as string).replace(/^local\//, 'stranger/');
    expect(refusal(() => check(fieldsOf({ 'X-Amz-Credential': credential })))).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
  });

  it('refuses a form without a key, and one without a policy', () => {
    expect(refusal(() => check(fieldsOf({ key: undefined })))).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
    });
    expect(refusal(() => check(fieldsOf({ Policy: undefined })))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
  });

  it("derives a policy's signature as the AWS SDK does", () => {
    const [, date, region] = (form.fields['X-Amz-Credential'] as string).split('/') as [
      string,
      string,
      string,
    ];
    expect(signPolicy(form.fields.Policy as string, 'local-secret', date, region)).toBe(
      form.fields['X-Amz-Signature'],
    );
  });
});

describe('a presigned download URL', () => {
  const signedGet = async (expiresSeconds = 300) =>
    new URL(
      await store.presignDownload({
        bucket: BUCKET,
        key: `${PREFIX}0f8a/实施方案.pdf`,
        filename: '实施方案.pdf',
        expiresSeconds,
      }),
    );
  const verify = (url: URL, at = new Date()) =>
    verifySigV4(
      { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host } },
      { now: at, secretOf },
    );

  it('passes as signed, and names the file in UTF-8 for the browser', async () => {
    const url = await signedGet();
    expect(() => verify(url)).not.toThrow();
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="____.pdf"; filename*=UTF-8\'\'%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.pdf',
    );
  });

  it('is refused once it has expired', async () => {
    const url = await signedGet(60);
    expect(refusal(() => verify(url, new Date(Date.now() + 61_000)))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  it('is refused for another key, or with its signature changed', async () => {
    const url = await signedGet();
    const other = new URL(url);
    other.pathname = other.pathname.replace('town-a', 'town-b');
    expect(refusal(() => verify(other))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', '1'.repeat(64));
    expect(refusal(() => verify(tampered))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });
});

describe('the content types of an upload form', () => {
  it('are enforced by S3 when there is one type or one family', () => {
    expect(contentTypeCondition(['application/pdf'])).toEqual(['eq', '$Content-Type', 'application/pdf']);
    expect(contentTypeCondition(['image/'])).toEqual(['starts-with', '$Content-Type', 'image/']);
  });

  it('narrow to what several types have in common, which the attach step checks further', async () => {
    const types = ['application/pdf', 'image/', 'application/msword'];
    expect(contentTypeCondition(types)).toEqual(['starts-with', '$Content-Type', '']);
    const mixed = await store.presignUpload({
      bucket: BUCKET,
      keyPrefix: PREFIX,
      maxBytes: 1000,
      contentTypes: types,
      expiresSeconds: 900,
    });
    // A plain form posts the generic type; a script puts the file's own type in its place.
    expect(mixed.fields['Content-Type']).toBe('application/octet-stream');
    const posted = (type: string) =>
      checkPostPolicy(
        new Map(
          Object.entries({ ...mixed.fields, 'Content-Type': type }).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        'a.jpg',
        { bucket: BUCKET, now: new Date(), secretOf },
      );
    expect(() => posted('application/octet-stream')).not.toThrow();
    expect(() => posted('image/jpeg')).not.toThrow();
    expect(allowsContentType(types, 'image/jpeg')).toBe(true);
    expect(allowsContentType(types, 'application/pdf; charset=binary')).toBe(true);
    expect(allowsContentType(types, 'text/html')).toBe(false);
    expect(allowsContentType(types, 'application/octet-stream')).toBe(false);
  });
});
