// The browser tests' Chromium (Debian's, headless) and what they record of a page: one place for the launch
// options, one Chromium per test file, the screenshots and the console's Content-Security-Policy refusals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where the browser tests put their screenshots (375 and 1280 px). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/**
 * Debian's headless Chromium, at desktop width, in Chinese: `locale` is what pages see (Accept-Language,
 * navigator.language); `--lang` and LANGUAGE are Chromium's own interface (a file field's 选择文件, a date
 * field's 年/月/日), which needs Debian's chromium-l10n (.ci/run installs it) and is English without it.
 * LC_ALL=C.UTF-8: Chromium opens a chosen file's non-ASCII path (evidence's 录像.pdf) in the C library's
 * character set, and LANG's zh_CN.UTF-8 is not installed on every machine (without it, nothing is chosen);
 * the interface's language stays --lang's.
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
  env: { ...process.env, LANGUAGE: 'zh_CN', LANG: 'zh_CN.UTF-8', LC_ALL: 'C.UTF-8' } as Record<
    string,
    string
  >,
  viewport: { width: 1280, height: 900 },
  locale: 'zh-CN',
};

/** The file's one Chromium while any of its contexts is open (each test file runs in its own module scope). */
let shared: { chromium: Promise<Browser>; contexts: number } | undefined;

/**
 * A fresh browser context (its own cookies and storage, nothing on disk) in the file's one Chromium, launched
 * by the first context and ended with the last: a context costs ~0.1 s of CPU, a Chromium's launch and close
 * ~0.6 s (measured in docs/benchmarks.md). `close` ends the context. Chromium's own options (executable, args,
 * env) are CHROMIUM's; `options` set the context's.
 */
export async function launchBrowser(
  options: Partial<Pick<typeof CHROMIUM, 'viewport' | 'locale'>> & {
    javaScriptEnabled?: boolean;
    extraHTTPHeaders?: Record<string, string>;
  } = {},
): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { executablePath, headless, args, env, viewport, locale } = CHROMIUM;
  if (!shared) shared = { chromium: chromium.launch({ executablePath, headless, args, env }), contexts: 0 };
  const mine = shared;
  mine.contexts += 1;
  const browser = await (await mine.chromium).newContext({ viewport, locale, ...options });
  return {
    browser,
    async close() {
      await browser.close();
      mine.contexts -= 1;
      if (mine.contexts === 0) {
        if (shared === mine) shared = undefined;
        await (await mine.chromium).close();
      }
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
