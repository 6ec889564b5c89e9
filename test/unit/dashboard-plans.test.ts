// The plan upload's refusals, invoked as Lambda would be with API Gateway's events: each comes before anything
// is stored or started (the table of this test does not exist, so a store call would answer 500), in the
// uploaded plan's language. Upload → preview → launch itself runs on the local cloud (test/browser/plan-upload).
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_PLAN_UPLOAD_BYTES } from '#domain/plan-upload.ts';
import type { HttpResponse } from '#lib/middleware.ts';
import { csrfToken } from '#presentation/dashboard/session.ts';
import { readProjectFile, SAMPLE_FILE } from '#test/fixtures/plans.ts';
import { httpEvent } from '#test/support/api-gateway.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'unit-test';
  // Nowhere to store: a refusal that came after a store call would show as a 500.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
});

let dashboard: {
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;
};
beforeAll(async () => {
  dashboard = (await import('../../functions/handlers/dashboard.ts')) as never;
});

const TOKEN = 'aaa.bbb.ccc';
const SAMPLE = readProjectFile(SAMPLE_FILE);
const EN = SAMPLE.replace('locale: zh-CN', 'locale: en');

async function upload(
  groups: string[],
  file: string | Uint8Array<ArrayBuffer> | undefined,
  csrf = csrfToken(TOKEN),
) {
  const form = new FormData();
  form.append('csrf', csrf);
  if (file !== undefined) form.append('plan', new Blob([file]), 'plan.yaml');
  const encoded = new Response(form);
  const event = httpEvent({
    method: 'POST',
    route: '/admin/plans',
    headers: {
      'x-forwarded-proto': 'https',
      host: 'approval.test',
      origin: 'https://approval.test',
      cookie: `pilotflow_admin=${TOKEN}`,
      'content-type': encoded.headers.get('content-type') ?? '',
    },
    body: Buffer.from(await encoded.arrayBuffer()).toString('base64'),
  });
  const lambda = {
    session: 'valid',
    via: 'cookie',
    sub: 'u-1',
    email: 'wang@xx-county.example',
    name: '',
    groups: JSON.stringify(groups),
  };
  return dashboard.handler(
    {
      ...event,
      isBase64Encoded: true,
      cookies: [`pilotflow_admin=${TOKEN}`],
      requestContext: { ...event.requestContext, authorizer: { lambda } },
    } as APIGatewayProxyEventV2,
    { functionName: 'dashboard', awsRequestId: 'r-1' } as Context,
  );
}

describe('uploading a plan on the dashboard', () => {
  it('refuses a viewer with the 403 page in the plan’s language', async () => {
    const zh = await upload(['viewer'], SAMPLE);
    expect(zh.statusCode).toBe(403);
    expect(zh.body).toContain('无权执行此操作');
    const en = await upload(['viewer'], EN);
    expect(en.statusCode).toBe(403);
    expect(en.body).toContain('Not allowed');
  });

  it('refuses an administrator of another programme for this plan’s id, before storing it', async () => {
    const other = await upload(['admin:another-county-2024'], SAMPLE);
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('无权执行此操作');
  });

  it('shows a broken plan’s problems with their lines in Chinese, storing nothing', async () => {
    const broken = SAMPLE.replace('minzheng@xx-county.example', 'minzheng-at-xx-county');
    const line = broken.split('\n').findIndex((l) => l.includes('minzheng-at-xx-county')) + 1;
    const res = await upload(['admin'], broken);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('方案有问题，未启动');
    expect(res.body).toContain(
      `不是电子邮箱地址<span class="muted" data-line="${line}">（第 ${line} 行）</span>`,
    );
  });

  it('says the file is too large above the limit, and asks for a file when none was chosen', async () => {
    const big = await upload(['admin'], new Uint8Array(MAX_PLAN_UPLOAD_BYTES + 1).fill(0x23));
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('方案文件最大 256 KB');
    const none = await upload(['admin'], undefined);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('请选择一个方案文件');
  });

  it('refuses an upload without the page’s CSRF token', async () => {
    const res = await upload(['admin'], SAMPLE, 'forged');
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('预览');
  });
});
