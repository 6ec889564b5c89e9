import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cspRefusals, launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

// Nobody acts: the acknowledgements due on 5 January reach the supervisors in their digests from the next working
// day, the leading group from the 10th.
const IDLE_UNTIL = Date.parse('2023-01-11T02:00:00Z');

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The town's (XX镇, supervising its five communities) link to its supervision page. */
let townLink: string;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  await env.cloud.clock.advanceTo(IDLE_UNTIL);
  await env.cloud.whenIdle();
  // The escalation reaches the town as an item of its daily digest (docs/escalation.md), with its page's link.
  const digests = await env.cloud.mailbox.list({
    to: 'shehuishiwu@xx-town.example',
    subject: /^【每日催办汇总】/,
  });
  const link = digests.flatMap((m) => m.links).find((l) => /\/s\/[A-Za-z0-9_-]+\?sig=/.test(l));
  if (!link) throw new Error('the town got no supervision link');
  townLink = link;

  ({ browser, close: closeBrowser } = await launchBrowser());
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

describe('the supervision page in a browser', () => {
  test('reads on a desktop and on a phone: no sideways scrolling, 44-px buttons, its style allowed by the CSP', async () => {
    for (const [width, name] of [
      [1280, 'supervision-desktop.png'],
      [375, 'supervision-phone.png'],
    ] as const) {
      const { page, cspErrors } = await open(townLink, width);
      await expect.poll(() => page.locator('h1').textContent()).toBe('逾期事项督办');
      const buttons = page.getByRole('button', { name: /^催办：/ });
      expect(await buttons.count()).toBeGreaterThan(0);
      const box = await buttons.first().boundingBox();
      expect(box?.height).toBeGreaterThanOrEqual(44);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, { path: join(SCREENSHOTS, name), fullPage: true });
      expect(cspErrors).toEqual([]);
      await page.close();
    }
  });

  test('催办 answers on the same page with what was sent', async () => {
    const { page } = await open(townLink, 375);
    await page
      .getByRole('button', { name: /^催办：/ })
      .first()
      .click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/已向.+发送催办邮件/);
    await screenshot(page, { path: join(SCREENSHOTS, 'supervision-nudged-phone.png'), fullPage: true });
    await page.close();
  });
});
