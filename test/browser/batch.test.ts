// The batch acknowledgement page in a browser: a county department's one link to its six acknowledgements at
// launch, read on a desktop and on a phone, and "全部确认" pressed without any script.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listOpenTasks } from '#store/tasks.ts';
import { cspRefusals, launchBrowser, SCREENSHOTS } from '#test/support/browser.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const FINANCE = 'caizheng@xx-county.example';

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The finance bureau's one link to its acknowledgements of the six pilots. */
let batchLink: string;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  const mails = await env.cloud.mailbox.list({ to: FINANCE, subject: /【待办】/ });
  const link = mails.flatMap((m) => m.links).find((l) => /\/b\/[A-Za-z0-9_-]+\?sig=/.test(l));
  if (!link) throw new Error('the finance bureau got no batch link');
  batchLink = link;
  ({ browser, close: closeBrowser } = await launchBrowser({ javaScriptEnabled: false }));
}, 900_000);

afterAll(async () => {
  await closeBrowser?.();
  await env?.stop();
});

async function open(url: string, width: number): Promise<{ page: Page; cspErrors: string[] }> {
  const page = await browser.newPage();
  const cspErrors = cspRefusals(page);
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, cspErrors };
}

const financeOpen = async () =>
  (await listOpenTasks(env.store)).filter((t) => t.assignees.some((a) => a.email === FINANCE));

describe('the batch acknowledgement page in a browser', () => {
  test('reads on a desktop and on a phone: six pilots, no sideways scrolling, 44-px buttons, its style allowed', async () => {
    for (const [width, name] of [
      [1280, 'batch-desktop.png'],
      [375, 'batch-phone.png'],
    ] as const) {
      const { page, cspErrors } = await open(batchLink, width);
      await expect.poll(() => page.locator('h1').textContent()).toBe('确认收到试点任务');
      expect(await page.locator('ol.items > li').count()).toBe(6);
      const all = page.getByRole('button', { name: '全部确认' });
      expect((await all.boundingBox())?.height).toBeGreaterThanOrEqual(44);
      const one = page.getByRole('button', { name: /^确认：/ });
      expect(await one.count()).toBe(6);
      expect((await one.first().boundingBox())?.height).toBeGreaterThanOrEqual(44);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
      expect(cspErrors).toEqual([]);
      await page.close();
    }
  });

  test('"全部确认" acknowledges every pilot at once, without JavaScript, and each workflow moves on', async () => {
    expect(await financeOpen()).toHaveLength(6);
    const { page } = await open(batchLink, 375);
    await page.getByRole('button', { name: '全部确认' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已确认 6 项');
    await page.screenshot({ path: join(SCREENSHOTS, 'batch-confirmed-phone.png'), fullPage: true });
    await page.close();
    await env.cloud.whenIdle();
    expect(await financeOpen()).toEqual([]);
  });
});
