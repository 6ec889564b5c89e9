// Evidence files in a real browser on the local cloud: the pilot uploads a PDF and a photo on the
// implementation plan page (straight to the local S3 server with the page's POST policy), sees both listed and
// submits; the reviewer's page lists both and each download returns the same bytes. Each refused upload (too
// large, wrong type, after the decision, a tampered policy) says so and stores nothing. A wrong file is removed
// before deciding with its 删除 button; a removal naming another task's file removes nothing.

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEvidenceStore } from '#adapters/evidence-store.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { cspRefusals, launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { decide, type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let noScript: BrowserContext;
let closeNoScript: (() => Promise<void>) | undefined;
let planLink: TaskLink;
let bucketFiles: () => Promise<string[]>;
let tooLargeDir: string;
/** 录像.pdf, 21 MB of zeros on disk: Chromium reads a file it is given by path itself, where a 21 MB buffer
 * would first cross the DevTools protocol in base64 (about 4 s of Chromium's CPU each time, measured). */
let tooLarge: string;

/** A one-page PDF of a few hundred bytes. */
function pdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  );
}

/** A 2×2 PNG, as a phone's photo stands in here: a real image a browser decodes. */
function png(): Buffer {
  const crc = (data: Buffer) => {
    let c = ~0;
    for (const byte of data) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 0, 128, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  for (const link of await env.links({ subject: /古城社区：确认收到试点任务/ })) {
    expect((await decide(link, { decision: 'approve', comment: '' })).status).toBe(200);
  }
  await env.cloud.whenIdle();
  const [link] = await env.links({ subject: /古城社区：提交实施方案/ });
  if (!link) throw new Error('the implementation plan task was not e-mailed');
  planLink = link;
  const bucket = env.cloud.endpoints.evidenceBucket;
  if (!bucket) throw new Error('the local cloud has no evidence bucket');
  const s3 = createEvidenceStore(
    new S3Client({ endpoint: env.cloud.endpoints.s3, forcePathStyle: true, ...env.cloud.aws }),
  );
  bucketFiles = async () => (await s3.listFiles(bucket, 'evidence/')).map((f) => f.key).sort();
  tooLargeDir = mkdtempSync(join(tmpdir(), 'pilotflow-evidence-'));
  tooLarge = join(tooLargeDir, '录像.pdf');
  writeFileSync(tooLarge, '');
  truncateSync(tooLarge, 21 * 1024 * 1024);
  ({ browser, close: closeBrowser } = await launchBrowser());
  ({ browser: noScript, close: closeNoScript } = await launchBrowser({ javaScriptEnabled: false }));
}, 600_000);

afterAll(async () => {
  await closeBrowser?.();
  await closeNoScript?.();
  await env?.stop();
  if (tooLargeDir) rmSync(tooLargeDir, { recursive: true, force: true });
});

async function open(url: string, width = 1280, context = browser): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return page;
}

/** Chooses `file` (a path, or a name, type and bytes) in the upload form of 实施方案文件 and presses 上传. */
async function upload(
  page: Page,
  file: string | { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  await page.getByLabel('选择文件').setInputFiles(file);
  await page.getByRole('button', { name: '上传' }).click();
  await page.waitForLoadState();
}

/** The uploaded files listed in 实施方案文件: name and size (without the 删除 button). */
const fileList = (page: Page) =>
  page
    .locator('#f-document-files li')
    .evaluateAll((items) =>
      items.map(
        (li) => `${li.querySelector('.name, a')?.textContent} ${li.querySelector('.size')?.textContent}`,
      ),
    );

describe('evidence files on the implementation plan page', () => {
  let stalePage: Page;

  test('a page opened now and kept open (it is used after the decision, below)', async () => {
    stalePage = await open(planLink.url);
    expect(await stalePage.getByRole('button', { name: '上传' }).count()).toBe(1);
  });

  test('refuses a file over 20 MB and one of a type not accepted in the page, in Chinese, before anything is sent', async () => {
    const page = await open(planLink.url);
    const consoleErrors = cspRefusals(page);
    const before = await bucketFiles();
    await upload(page, tooLarge);
    expect(await page.locator('.upload-msg').textContent()).toBe(
      '文件“录像.pdf”超过 20 MB，没有上传。请压缩或拆分后再上传。',
    );
    expect(page.url()).toBe(planLink.url);
    await upload(page, { name: '工具.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    expect(await page.locator('.upload-msg').textContent()).toBe(
      '文件“工具.exe”的格式不支持，没有上传。请上传照片、PDF 或 Word、Excel、PPT 文件。',
    );
    expect(await bucketFiles()).toEqual(before);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('refuses a file over 20 MB at S3 too, when the page’s check does not run: nothing stored, and the page says what the English error means', async () => {
    const page = await open(planLink.url, 1280, noScript);
    const before = await bucketFiles();
    expect(await page.locator('.upload-field').textContent()).toContain(
      '如上传后出现英文错误页面（如 EntityTooLarge、AccessDenied），说明文件超过 20 MB',
    );
    await upload(page, tooLarge);
    expect(await page.content()).toContain('EntityTooLarge');
    expect(await bucketFiles()).toEqual(before);
    await page.close();
  });

  test('deletes a file of a type not accepted that S3 took without the page’s check, and says why', async () => {
    const page = await open(planLink.url, 1280, noScript);
    const before = await bucketFiles();
    await upload(page, { name: '工具.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    expect(await page.locator('#upload-refused').textContent()).toBe(
      '文件“工具.exe”的格式不支持，没有上传。请上传照片、PDF 或 Word、Excel、PPT 文件。',
    );
    expect(await bucketFiles()).toEqual(before);
    await page.close();
  });

  test('refuses an upload whose policy was tampered with: S3 answers 403 and stores nothing', async () => {
    const page = await open(planLink.url);
    const before = await bucketFiles();
    // Someone widens the key to another task's files; the policy's signature no longer matches.
    await page.evaluate(() => {
      const key = document.querySelector<HTMLInputElement>('form.upload input[name="key"]');
      if (key)
        key.value = key.value.replace(/^evidence\/[^/]+\/[^/]+\/[^/]+\//, 'evidence/other/other/other/');
    });
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await upload(page, { name: '实施方案.pdf', mimeType: 'application/pdf', buffer: pdf() });
    expect((await response).status()).toBe(403);
    expect(await page.content()).toContain('AccessDenied');
    expect(await bucketFiles()).toEqual(before);
    await page.close();
  });

  test('uploads a PDF and a photo, removes a wrong third file, and records the two with the decision', async () => {
    const page = await open(planLink.url);
    const consoleErrors = cspRefusals(page);
    await upload(page, { name: '古城社区实施方案.pdf', mimeType: 'application/pdf', buffer: pdf() });
    expect(page.url()).toContain(new URL(planLink.url).pathname);
    expect(await page.getByRole('status').first().textContent()).toBe('已上传“古城社区实施方案.pdf”。');
    await upload(page, { name: '便民服务站现场.png', mimeType: 'image/png', buffer: png() });
    const both = [`古城社区实施方案.pdf ${pdf().length} 字节`, `便民服务站现场.png ${png().length} 字节`];
    expect(await fileList(page)).toEqual(both);
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-upload-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-upload-phone.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // A wrong file, removed before deciding: audited as the assignee's, deleted, never recorded. What the
    // official typed before uploading and removing is still there after both reloads.
    const typed = '先写了摘要，再上传文件。';
    await page.getByLabel('实施方案摘要').fill(typed);
    await upload(page, { name: '旧版方案.pdf', mimeType: 'application/pdf', buffer: pdf() });
    expect(await fileList(page)).toEqual([...both, `旧版方案.pdf ${pdf().length} 字节`]);
    expect(await page.getByLabel('实施方案摘要').inputValue()).toBe(typed);
    const oldKey = (await bucketFiles()).find((k) => k.endsWith('/旧版方案.pdf'));
    expect(oldKey).toBeDefined();
    await page.getByRole('button', { name: '删除“旧版方案.pdf”' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#upload-removed').textContent()).toBe('已删除“旧版方案.pdf”。');
    expect(await fileList(page)).toEqual(both);
    expect(await page.getByLabel('实施方案摘要').inputValue()).toBe(typed);
    expect(await bucketFiles()).not.toContain(oldKey);
    const task = await env.taskOf(planLink);
    const removals = (await listAuditOfTask(env.store, task.taskId)).filter(
      (e) => e.action === 'evidence.removed',
    );
    expect(removals.map((e) => [e.actor, e.details?.name])).toEqual([
      [`email:${planLink.to.toLowerCase()}`, '旧版方案.pdf'],
    ]);
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-removed-phone.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-removed-desktop.png'), fullPage: true });

    // A removal naming a file outside this task's own uploads removes nothing.
    const stored = await bucketFiles();
    await page.evaluate(() => {
      const key = document.querySelector<HTMLInputElement>('form.remove input[name="remove"]');
      if (key)
        key.value = key.value.replace(/^evidence\/[^/]+\/[^/]+\/[^/]+\//, 'evidence/other/other/other/');
    });
    await page.locator('form.remove button').first().click();
    await page.waitForLoadState();
    expect(await page.locator('#upload-removed').textContent()).toBe('该文件已不在，无需删除。');
    expect(await bucketFiles()).toEqual(stored);
    expect(await fileList(page)).toEqual(both);

    await page.getByLabel('实施方案摘要').fill('一、建设便民服务站。二、2023年2月至10月。');
    await page.getByRole('button', { name: '提交实施方案' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toContain('您的意见已提交，谢谢。');
    expect(consoleErrors).toEqual([]);
    const decided = await env.taskOf(planLink);
    const files = decided.decision?.form.document as Array<{ name: string; size: number; key: string }>;
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['古城社区实施方案.pdf', pdf().length],
      ['便民服务站现场.png', png().length],
    ]);
    expect(await bucketFiles()).toEqual(files.map((f) => f.key).sort());
    await page.close();
  });

  test('refuses an upload from a page opened before the decision: not attached, deleted, and said so', async () => {
    const before = await bucketFiles();
    await upload(stalePage, { name: '补充材料.pdf', mimeType: 'application/pdf', buffer: pdf() });
    expect(await stalePage.locator('#late-upload').textContent()).toBe(
      '本任务已经办结，刚才上传的文件没有被采用，已删除。',
    );
    expect(await bucketFiles()).toEqual(before);
    // The decided page offers no upload any more.
    await stalePage.goto(planLink.url);
    expect(await stalePage.locator('form.upload').count()).toBe(0);
    await stalePage.close();
  });

  test('the reviewer’s page lists both files, and each downloads with the same bytes', async () => {
    await env.cloud.whenIdle();
    const [review] = await env.links({ subject: /古城社区：审核实施方案/ });
    if (!review) throw new Error('the review task was not e-mailed');
    const mail = (await env.cloud.mailbox.list({ to: review.to })).find((m) => m.subject === review.subject);
    expect(mail?.text).toContain(`古城社区实施方案.pdf（${pdf().length} 字节）`);
    expect(mail?.text).toContain(`便民服务站现场.png（${png().length} 字节）`);

    const page = await open(review.url);
    const links = page.locator('#submitted-file-list a');
    expect(await links.allTextContents()).toEqual(['古城社区实施方案.pdf', '便民服务站现场.png']);
    for (const [i, bytes] of [pdf(), png()].entries()) {
      const href = (await links.nth(i).getAttribute('href')) ?? '';
      const response = await fetch(href);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-review-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, { path: join(SCREENSHOTS, 'evidence-review-phone.png'), fullPage: true });
    await page.close();
  });
});
