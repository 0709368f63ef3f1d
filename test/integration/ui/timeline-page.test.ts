import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startQueryApi, TIMELINE_FIXTURES, type RunningApi } from '../../helpers/timelines.js';

/**
 * The timeline page in real headless Chromium (Debian's `chromium` package) against a real query
 * API over real Elasticsearch. Screenshots go to test-results/ui/ for a human to look at.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-results/ui');

void describe('timeline page /trace/ui', () => {
  let api: RunningApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  before(async () => {
    api = await startQueryApi('ui', TIMELINE_FIXTURES);
    await mkdir(ARTIFACTS, { recursive: true });
    profile = await mkdtemp(path.join(tmpdir(), 'ariane-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 720 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    browser = context.browser() as Browser;
    page = await context.newPage();
    await page.goto(`${api.url}/trace/ui/`);
    await page.fill('#token', api.token);
    await page.dispatchEvent('#token', 'change');
    await page.fill('#tenant', 'tenant-a');
    await page.dispatchEvent('#tenant', 'change');
  });

  after(async () => {
    await context?.close();
    void browser;
    await api?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  void test('search → request → tree → session, by keyboard, each step a shareable URL', async () => {
    await page.goto(`${api.url}/trace/ui/`);
    // `/` jumps to the search form; the fields are filled and submitted from the keyboard.
    await page.locator('body').press('/');
    assert.equal(await page.locator(':focus').getAttribute('id'), 'search-from');
    await page.fill('#search-from', '2025-03-10T09:00');
    await page.fill('#search-to', '2025-03-10T11:00');
    await page.selectOption('#search-status', '5xx');
    await page.fill('#search-client', 'c1');
    await page.locator('#search-client').press('Enter');
    await page.waitForSelector('table.results tbody tr, .error-box', { timeout: 10_000 });
    assert.equal(
      await page.locator('.error-box').count(),
      0,
      (await page.textContent('#view')) ?? '',
    );
    const hash = decodeURIComponent(new URL(page.url()).hash);
    assert.match(hash, /^#\/search\?from=2025-03-10T09:00:00\.000Z&to=2025-03-10T11:00:00\.000Z/);
    assert.match(hash, /clientId=c1&statusClass=5xx/);
    const rows = page.locator('table.results tbody tr');
    assert.equal(await rows.count(), 1);
    const row = (await rows.first().textContent()) ?? '';
    assert.match(row, /req-missing.*POST.*\/v1\/objects.*504/);
    assert.match(row, /Backend timed out: gateway leg 1/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png'), fullPage: true });

    // The shared URL of the search gives the same rows in a fresh page.
    // The token stays in its tab (sessionStorage): the colleague signs in, then opens the link.
    const shared = await context.newPage();
    await shared.goto(`${api.url}/trace/ui/`);
    for (const [field, value] of [
      ['#token', api.token],
      ['#tenant', 'tenant-a'],
    ] as const) {
      await shared.fill(field, value);
      await shared.dispatchEvent(field, 'change');
    }
    await shared.goto(page.url());
    await shared.waitForSelector('table.results tbody tr');
    assert.equal(await shared.locator('table.results tbody tr').count(), 1);
    assert.equal(await shared.inputValue('#search-status'), '5xx');
    await shared.close();

    // Keyboard: focus the row's link and open the request.
    await page.locator('table.results tbody tr a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.waterfall .hop');
    assert.equal(new URL(page.url()).hash, '#/requests/req-missing');
    assert.match((await page.textContent('.diagnosis')) ?? '', /Backend timed out/);
    // The call tree: leg 1 under leg 0.
    const attributes = async (selector: string, name: string) => {
      const nodes = page.locator(selector);
      const values: (string | null)[] = [];
      for (let index = 0; index < (await nodes.count()); index += 1)
        values.push(await nodes.nth(index).getAttribute(name));
      return values;
    };
    assert.deepEqual(await attributes('.waterfall .hop', 'data-depth'), ['0', '1']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-request.png'), fullPage: true });

    // A healthy request: leg 0 → leg 1 → the service, indented under its caller.
    await page.goto(`${api.url}/trace/ui/#/requests/req-ok`);
    await page.waitForSelector('.waterfall .hop');
    assert.deepEqual(await attributes('.waterfall .hop', 'data-depth'), ['0', '1', '2']);
    assert.deepEqual(await page.locator('.waterfall .hop .service').allTextContents(), [
      'piste-gateway',
      'piste-gateway',
      'units-svc',
    ]);
    // Indented under its caller.
    assert.deepEqual(await attributes('.waterfall .hop .tree', 'style'), [
      'padding-left: 0rem;',
      'padding-left: 1.1rem;',
      'padding-left: 2.2rem;',
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tree.png'), fullPage: true });

    // On to its session, by the link in the request's facts.
    await page.locator('.summary dd a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.session details.request');
    assert.equal(new URL(page.url()).hash, '#/sessions/sess-ui');
    assert.match(
      (await page.textContent('.summary')) ?? '',
      /Failures by origin \(this page\)network: 1/,
    );
    assert.match(
      (await page.textContent('details[data-request="req-missing"] .request-diagnosis')) ?? '',
      /Backend timed out/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-session.png'), fullPage: true });
  });

  void test('a request id opens its waterfall: one row per hop, the missing hop highlighted', async () => {
    await page.fill('#request-id', 'req-missing');
    await page.click('#request-form button');
    await page.waitForSelector('.waterfall .hop');
    assert.equal(await page.locator('.waterfall .hop').count(), 2);
    assert.match((await page.textContent('.summary h2')) ?? '', /POST \/v1\/objects 504/);
    assert.ok((await page.locator('.waterfall .hop.anomalous').count()) >= 1);
    assert.match((await page.textContent('.anomalies')) ?? '', /missing hop/i);
    const title = await page.locator('.waterfall .hop .bar').first().getAttribute('title');
    assert.match(title ?? '', /raw 2025-03-10T10:00:05\.000Z/);
    assert.equal(new URL(page.url()).hash, '#/requests/req-missing');
    await page.screenshot({ path: path.join(ARTIFACTS, 'request.png'), fullPage: true });
  });

  void test('a healthy request draws gateway legs and the service on the time axis', async () => {
    await page.goto(`${api.url}/trace/ui/#/requests/req-ok`);
    await page.waitForSelector('.waterfall .hop');
    const kinds = await page.locator('.waterfall .hop .kind').allTextContents();
    assert.deepEqual(kinds, ['gateway leg 0', 'gateway leg 1', 'service']);
    assert.equal(await page.locator('.waterfall .hop.anomalous').count(), 0);
    const left = async (index: number) => {
      const style = await page.locator('.waterfall .hop .bar').nth(index).getAttribute('style');
      return parseFloat(/left:\s*([\d.]+)%/.exec(style ?? '')?.[1] ?? 'NaN');
    };
    assert.ok((await left(1)) > (await left(0)));
  });

  void test('a session id lists its requests in time order, each opening its waterfall', async () => {
    await page.fill('#session-id', 'sess-ui');
    await page.click('#session-form button');
    await page.waitForSelector('.session details.request');
    const rows = page.locator('.session details.request');
    const ids: (string | null)[] = [];
    for (let index = 0; index < (await rows.count()); index += 1)
      ids.push(await rows.nth(index).getAttribute('data-request'));
    assert.deepEqual(ids, ['req-ok', 'req-missing']);
    assert.equal(await page.locator('.session details.request.anomalous').count(), 1);
    await page.click('details[data-request="req-missing"] > summary');
    await page.waitForSelector('details[data-request="req-missing"] .waterfall .hop');
    assert.equal(
      await page.locator('details[data-request="req-missing"] .waterfall .hop').count(),
      2,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'session.png'), fullPage: true });
  });

  void test('an unknown id says not found, a wrong tenant is refused', async () => {
    await page.goto(`${api.url}/trace/ui/#/requests/no-such-request`);
    await page.waitForSelector('.error-box');
    assert.match((await page.textContent('.error-box')) ?? '', /Not found/);
    await page.fill('#tenant', 'tenant-b');
    await page.dispatchEvent('#tenant', 'change');
    await page.waitForSelector('.error-box:has-text("Not authorised")');
  });
});
