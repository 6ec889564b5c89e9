// The browser tests' Chromium (Debian's, headless) and what they record of a page: one place for the launch
// options, the throwaway profile, the screenshots and the console's Content-Security-Policy refusals.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where the browser tests put their screenshots (375 and 1280 px). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/**
 * Debian's headless Chromium, at desktop width, in Chinese: `locale` is what pages see (Accept-Language,
 * navigator.language); `--lang` and LANGUAGE are Chromium's own interface (a file field's 选择文件, a date
 * field's 年/月/日), which needs Debian's chromium-l10n (.ci/run installs it) and is English without it.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--lang=zh-CN',
  ],
  env: { ...process.env, LANGUAGE: 'zh_CN', LANG: 'zh_CN.UTF-8' } as Record<string, string>,
  viewport: { width: 1280, height: 900 },
  locale: 'zh-CN',
};

/** Chromium on a throwaway profile; `close` ends it and removes the profile. */
export async function launchBrowser(
  options: Partial<typeof CHROMIUM> & {
    javaScriptEnabled?: boolean;
    extraHTTPHeaders?: Record<string, string>;
  } = {},
): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'pilotflow-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { ...CHROMIUM, ...options });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What the page's Content-Security-Policy refused, as Chromium reports it on the console, from now on. */
export function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      refused.push(message.text());
    }
  });
  return refused;
}

/**
 * A PNG of the page (the viewport, or the whole page with `fullPage`) at `path`: the same pixels as Playwright's
 * `page.screenshot`, encoded by Chromium for speed (`optimizeForSpeed`), which Playwright does not offer. Measured
 * in docs/benchmarks.md ("The browser tests' CPU"): about half of Chromium's CPU per screenshot, files ~20 % larger.
 */
export async function screenshot(page: Page, options: { path: string; fullPage?: boolean }): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    let whole = {};
    if (options.fullPage) {
      const { cssContentSize } = await cdp.send('Page.getLayoutMetrics');
      const { width, height } = cssContentSize;
      whole = { captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } };
    }
    const { data } = await cdp.send('Page.captureScreenshot', {
      format: 'png',
      optimizeForSpeed: true,
      ...whole,
    });
    writeFileSync(options.path, Buffer.from(data, 'base64'));
  } finally {
    await cdp.detach();
  }
}
