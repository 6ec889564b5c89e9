// Evidence files on the local S3 server as the local cloud runs it (s3rver behind the front that checks POST
// policies and signatures, local/cloud/services/s3.ts), through the evidence adapter: a browser-style multipart
// POST of a signed form stores the file; too large, outside the task's prefix, of another type, expired or
// with a tampered signature, each is refused with S3's status and code and stores nothing; the file comes back
// through a presigned URL under its Chinese name, and is still there after the server restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createEvidenceStore,
  type EvidenceStore,
  evidencePrefix,
  FILENAME_VARIABLE,
  type UploadForm,
} from '#adapters/evidence-store.ts';
import { type S3Service, startS3 } from '#local/cloud/services/s3.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';

const BUCKET = 'fixture-evidencebucket';
const PREFIX = evidencePrefix({ programmeId: 'p1', pilotId: 'town-a', taskId: 'plan-1' });
const PDF = new TextEncoder().encode('%PDF-1.4 evidence') as Uint8Array<ArrayBuffer>;

let dataDir: string;
// The local clock, years before the machine's: this process signs on it as a function in the local cloud
// does (its Date is the local clock's), and the server checks expiry on it.
const START = Date.parse('2023-03-01T08:00:00Z');
let now = START;
const clock = { now: () => now };
function setLocalTime(at: number): void {
  now = at;
  vi.setSystemTime(at);
}
let server: S3Service;
let client: S3Client;
let store: EvidenceStore;

async function start(): Promise<void> {
  server = await startS3({ buckets: [BUCKET], dataDir, clock, port: 0, host: '127.0.0.1', aws: LOCAL_AWS });
  client?.destroy();
  client = new S3Client({ endpoint: server.url, forcePathStyle: true, ...LOCAL_AWS });
  store = createEvidenceStore(client);
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  setLocalTime(START);
  dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-s3-'));
  await start();
});

afterAll(async () => {
  vi.useRealTimers();
  await server?.stop();
  client?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A signed form for the task, made on the local clock as a function in the local cloud makes it. */
async function signedForm(contentTypes = ['application/pdf'], maxBytes = 1024): Promise<UploadForm> {
  return store.presignUpload({
    bucket: BUCKET,
    keyPrefix: PREFIX,
    maxBytes,
    contentTypes,
    expiresSeconds: 900,
  });
}

/** Posts the form as a browser does: its fields, then the file last. */
async function post(
  form: UploadForm,
  changes: Record<string, string>,
  bytes: Uint8Array<ArrayBuffer>,
  name = '实施方案.pdf',
) {
  const body = new FormData();
  for (const [field, value] of Object.entries({ ...form.fields, ...changes })) body.append(field, value);
  body.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const res = await fetch(form.url, { method: 'POST', body, redirect: 'manual' });
  const text = await res.text();
  return {
    status: res.status,
    code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1],
    text,
    location: res.headers.get('location'),
  };
}

const keys = async () => (await store.listFiles(BUCKET, 'evidence/')).map((f) => f.key);

describe('a browser upload to the local S3 server', () => {
  it.each([
    ['larger than the policy allows', {}, new Uint8Array(1025), 400, 'EntityTooLarge'],
    [
      'outside the task’s prefix',
      { key: `evidence/p1/town-b/plan-1/x/${FILENAME_VARIABLE}` },
      PDF,
      403,
      'AccessDenied',
    ],
    ['of a type the policy does not allow', { 'Content-Type': 'text/html' }, PDF, 403, 'AccessDenied'],
    ['with a tampered signature', { 'X-Amz-Signature': 'f'.repeat(64) }, PDF, 403, 'SignatureDoesNotMatch'],
  ] as const)('refuses a file %s, storing nothing', async (_case, changes, bytes, status, code) => {
    const form = await signedForm();
    expect(await post(form, changes, bytes)).toMatchObject({ status, code });
    expect(await keys()).toEqual([]);
  });

  it('refuses a form used after it expired on the local clock, storing nothing', async () => {
    const form = await signedForm();
    setLocalTime(START + 901_000);
    try {
      expect(await post(form, {}, PDF)).toMatchObject({ status: 403, code: 'AccessDenied' });
    } finally {
      setLocalTime(START);
    }
    expect(await keys()).toEqual([]);
  });

  it('stores a good file under the task’s prefix with its own name and type', async () => {
    const form = await signedForm();
    const result = await post(form, {}, PDF);
    expect(result.status).toBe(201);
    const files = await store.listFiles(BUCKET, PREFIX);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ filename: '实施方案.pdf', size: PDF.length });
    expect(files[0]?.key).toBe(form.key.replace(FILENAME_VARIABLE, '实施方案.pdf'));
    expect(await store.headFile(BUCKET, files[0]?.key as string)).toMatchObject({
      contentType: 'application/pdf',
    });
  });

  it('sends the browser to the success redirect with the stored key', async () => {
    const form = await store.presignUpload({
      bucket: BUCKET,
      keyPrefix: PREFIX,
      maxBytes: 1024,
      contentTypes: ['image/'],
      expiresSeconds: 900,
      successRedirect: 'http://127.0.0.1:3000/a/uploaded',
    });
    const result = await post(
      form,
      { 'Content-Type': 'image/jpeg' },
      new Uint8Array([0xff, 0xd8, 0xff]),
      '现场.jpg',
    );
    expect(result.status).toBe(303);
    const location = new URL(result.location as string);
    expect(location.origin + location.pathname).toBe('http://127.0.0.1:3000/a/uploaded');
    expect(location.searchParams.get('key')).toBe(form.key.replace(FILENAME_VARIABLE, '现场.jpg'));
    await store.deleteFile(BUCKET, location.searchParams.get('key') as string);
  });
});

describe('a download from the local S3 server', () => {
  it('gives the file back through a presigned URL, under its Chinese name', async () => {
    const [file] = await store.listFiles(BUCKET, PREFIX);
    const url = await store.presignDownload({
      bucket: BUCKET,
      key: file?.key as string,
      filename: '实施方案.pdf',
      expiresSeconds: 300,
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="____.pdf"; filename*=UTF-8\'\'%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.pdf',
    );
    // Expired on the local clock, or without a signature, it reads nothing.
    setLocalTime(START + 301_000);
    try {
      expect((await fetch(url)).status).toBe(403);
    } finally {
      setLocalTime(START);
    }
    expect((await fetch(url.slice(0, url.indexOf('?')))).status).toBe(403);
  });

  it('still has the file after the server restarts on the same data directory', async () => {
    const before = await keys();
    expect(before).toHaveLength(1);
    await server.stop();
    await start();
    expect(await keys()).toEqual(before);
  });
});
