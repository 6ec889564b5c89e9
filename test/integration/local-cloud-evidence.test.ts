// The evidence bucket in the real app's local cloud: the template's bucket, marked as the evidence bucket, is
// created on the local S3 server and named in endpoints.json; the functions granted it are told its local name;
// a file uploaded through a signed form is still there after the local cloud stops and starts again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEvidenceStore, evidencePrefix } from '#adapters/evidence-store.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
beforeAll(async () => {
  env = await startSampleCloud({ launch: false });
  // This process signs as the functions do: on the local cloud's clock.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(env.cloud.clock.now());
}, 300_000);

afterAll(async () => {
  vi.useRealTimers();
  await env?.stop();
});

const storeOf = (endpoint: string) =>
  createEvidenceStore(new S3Client({ endpoint, forcePathStyle: true, ...env.cloud.aws }));

describe('the evidence bucket in the local cloud', () => {
  it('is created and named in endpoints.json, and the granted functions are given its name', () => {
    const { s3, evidenceBucket } = env.cloud.endpoints;
    expect(evidenceBucket).toMatch(/^pilotflow-evidencebucket/);
    expect(env.cloud.resources.buckets).toEqual([evidenceBucket]);
    const written = JSON.parse(readFileSync(join(env.cloud.dataDir, 'endpoints.json'), 'utf8'));
    expect(written).toMatchObject({ s3, evidenceBucket });
    const told = env.cloud.resources.functions
      .filter((f) => f.environment.EVIDENCE_BUCKET !== undefined)
      .map((f) => [f.environment.POWERTOOLS_SERVICE_NAME, f.environment.EVIDENCE_BUCKET]);
    expect(told.sort()).toEqual([
      ['approval', evidenceBucket],
      ['dashboard', evidenceBucket],
      ['supervision', evidenceBucket],
    ]);
  });

  it('keeps an uploaded file across a restart of the local cloud', async () => {
    const bucket = env.cloud.endpoints.evidenceBucket as string;
    const prefix = evidencePrefix({ programmeId: 'xx', pilotId: 'town-a', taskId: 'plan' });
    const form = await storeOf(env.cloud.endpoints.s3).presignUpload({
      bucket,
      keyPrefix: prefix,
      maxBytes: 1024,
      contentTypes: ['application/pdf'],
      expiresSeconds: 900,
    });
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob(['%PDF-1.4'], { type: 'application/pdf' }), '方案.pdf');
    expect((await fetch(form.url, { method: 'POST', body })).status).toBe(201);

    await env.stop();
    env = await startSampleCloud({ launch: false, continueFrom: env });
    const files = await storeOf(env.cloud.endpoints.s3).listFiles(bucket, prefix);
    expect(files.map((f) => [f.filename, f.size])).toEqual([['方案.pdf', 8]]);
  }, 300_000);
});
