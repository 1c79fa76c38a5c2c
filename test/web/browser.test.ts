import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { blocksToText } from '../../src/console/plain-text';
import { freshDatabase } from '../support/databases';
import { type SlackApp, startSlackApp } from '../support/slack-app';

/** Debian's Chromium, as `.ci/run` installs it; playwright-core downloads no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// starting Chromium on two loaded cores takes seconds; what is asserted does not depend on the time
jest.setTimeout(120_000);

/**
 * The web board in a real browser: what the HTTP tests can't see is whether a browser draws the page and its charts
 * under the Content-Security-Policy the pages send (a blocked style or image shows only here, as a console report).
 * One database is enough: the HTTP tests run both.
 */
describe('the web board in a headless Chromium', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let s: SlackApp;
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: this test drives Debian's Chromium. Install it with ` +
          '`sudo apt-get install -y chromium` (CI does it in .ci/run), then run the test again.',
      );
    profile = mkdtempSync(path.join(tmpdir(), 'nexus-flow-chromium-'));
    db = await freshDatabase('embedded');
    s = await startSlackApp(db, { PUBLIC_URL: 'https://board.example.com' });
    // a fresh profile of its own: nothing from an earlier run (cache, cookies) can make the page load
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await db?.dispose();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('renders the board with its team squares and its charts, reports no CSP violation, and 404s once revoked', async () => {
    await s.command(
      '/nexus',
      'setup --name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done',
    );
    await s.command('/pbi', 'add "&lt;img src=x onerror=alert(1)&gt; Checkout" --teams Alpha,Beta --stage doing');
    await s.command('/pbi', 'team PBI-1 Alpha done');
    const { reply } = await s.command('/nexus', 'share');
    const token = /\/n\/([A-Za-z0-9_-]{43})/.exec(blocksToText(reply?.blocks ?? []))![1];
    const page = await browser.newPage();
    const reports: string[] = [];
    page.on('console', (message) => reports.push(`${message.type()}: ${message.text()}`));
    page.on(
      'response',
      (r) => r.status() >= 400 && reports.push(`${r.status()}: ${r.url().replace(token, '<token>')}`),
    );
    page.on('pageerror', (error) => reports.push(`error: ${error.message}`));
    page.on('dialog', (dialog) => {
      reports.push(`dialog: ${dialog.message()}`); // a script that ran: the title was not escaped
      void dialog.dismiss();
    });

    const board = await page.goto(`${s.baseUrl}/n/${token}`);
    expect(board?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Shop · board');
    const line = await page.locator('section', { hasText: 'PBI-1' }).innerText();
    expect(line).toContain('■ Alpha');
    expect(line).toContain('☐ Beta');
    expect(line).toContain('<img src=x onerror=alert(1)> Checkout'); // shown as text, not an element
    // the inline style applied (the policy allows it by its hash): the navigation bar has its colour
    expect(await page.locator('nav').evaluate((nav) => getComputedStyle(nav).backgroundColor)).toBe('rgb(63, 14, 64)');

    await page.locator('nav a', { hasText: 'Charts' }).click();
    await page.waitForLoadState('load');
    const images = page.locator('figure img');
    expect(await images.count()).toBeGreaterThan(0);
    const widths = await images.evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    expect(widths.every((w) => w > 0)).toBe(true);

    await page.locator('nav a', { hasText: 'Aging' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('figure img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(
      0,
    );
    await page.locator('a', { hasText: 'PBI-1' }).first().click();
    await page.waitForLoadState('load');
    expect(page.url()).toBe(`${s.baseUrl}/n/${token}/pbi/PBI-1`);
    expect(await page.locator('main').innerText()).toContain('added it in doing');

    expect(reports).toEqual([]); // no Content-Security-Policy report, no script error, no dialog

    await s.command('/nexus', 'share off');
    const revoked = await page.goto(`${s.baseUrl}/n/${token}`);
    expect(revoked?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Not found');
    await page.close();
  });
});
