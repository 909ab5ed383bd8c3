/// <reference lib="dom" />
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createLogger } from '@iso20000/service-kit';
import { eventually } from '@iso20000/testing';
// The whole system for this file comes from the end-to-end harness (the services and the gateway).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { appointedRcb, startE2eSystem, type RunningSystem } from '@iso20000/tool-e2e/src/harness';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { loadWebConfig } from '../src/config';
import { createGatewayClient, type GatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

// Instant verification of an organization's certificate number that two RCBs both use, against the
// real gateway and registry: by number alone every match is listed with its RCB (none picked), each
// linking to the verification narrowed to that RCB; one match is shown as before; none is a 404.

jest.setTimeout(240_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let system: RunningSystem;
let web: Server;
let gateway: GatewayClient;
let browser: Browser;
let profile: string;
let base: string;
// An RCB name with markup in it: the page must show it as text.
const ALPHA = 'Alpha <b>Cert</b> & Co';
const BETA = 'Beta Certification';
let alpha: { rcbId: string; authorization: string };
let beta: { rcbId: string; authorization: string };

function record(certificateNumber: string, legalName: string) {
  return {
    certificateNumber,
    organization: {
      legalName,
      country: 'GB',
      address: { lines: ['1 Shared Street'], city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
      publicListing: true,
    },
    scope: 'Managed IT services',
    cycleStart: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
  };
}

async function upsert(authorization: string, records: ReturnType<typeof record>[]) {
  await eventually(
    async () => {
      const result = await system.query<{ upsertCertifications: { created: number } }>(
        `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) { created } }`,
        { input: records },
        authorization,
      );
      return result.data?.upsertCertifications.created === records.length ? true : undefined;
    },
    30_000,
    'the registry to accept the appointed RCB’s certifications',
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`,
    );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  system = await startE2eSystem('e2eorgv', {
    VERIFY_RATE_LIMIT_BURST: '10000',
    VERIFY_RATE_LIMIT_PER_MINUTE: '10000',
  });
  const staff = await system.token('scheme_staff');
  alpha = await appointedRcb(system, staff, { name: ALPHA });
  beta = await appointedRcb(system, staff, { name: BETA });
  await upsert(alpha.authorization, [
    record('SHARED-1', 'Alpha Client Ltd'),
    record('ALPHA-ONLY-1', 'Alpha Only Ltd'),
  ]);
  await upsert(beta.authorization, [record('SHARED-1', 'Beta Client Ltd')]);
  const config = loadWebConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    GATEWAY_URL: system.gatewayUrl,
    WEB_PUBLIC_BASE_URL: base,
  });
  const logger = createLogger('web', 'warn');
  gateway = createGatewayClient({ url: config.GATEWAY_URL, timeoutMs: 10_000, logger });
  web = createWebServer({ config, gateway, logger });
  await new Promise<void>((resolve) => web.listen(port, '127.0.0.1', resolve));
  profile = mkdtempSync(join(tmpdir(), 'web-orgverify-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
    userDataDir: profile,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()));
  await gateway?.close();
  await system?.stop();
}, 60_000);

async function expectAccessible(page: Page) {
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    (tags: string[]) =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG_TAGS,
  )) as AxeResults;
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as HTMLElement).innerText.trim());

it('lists every RCB that uses a number, with a link narrowing to each, and picks none', async () => {
  const response = await fetch(`${base}/registry/verify?number=SHARED-1`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, no-cache');
  expect(response.headers.get('etag')).toBeTruthy();
  const html = await response.text();
  // escaped, never markup
  expect(html).toContain('Alpha &lt;b&gt;Cert&lt;/b&gt; &amp; Co');
  expect(html).not.toContain('<b>Cert</b>');
  expect(html).toContain(`href="/registry/verify?number=SHARED-1&amp;rcb=${alpha.rcbId}"`);
  expect(html).toContain(`href="/registry/verify?number=SHARED-1&amp;rcb=${beta.rcbId}"`);

  const page = await browser.newPage();
  await page.goto(`${base}/registry?lang=en`, { waitUntil: 'load' });
  await page.type('#certificate', 'SHARED-1');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/registry/verify"] button')]);
  expect(await text(page, 'section[data-status] h2')).toBe('2 certification bodies use this number');
  const rows = await page.$$eval('table.matches tbody tr', (trs) =>
    trs.map((tr) => Array.from(tr.children).map((cell) => (cell as HTMLElement).innerText.trim())),
  );
  expect(rows).toEqual([
    [`Verify with ${ALPHA}`, 'Alpha Client Ltd', 'United Kingdom', 'Certified', expect.any(String)],
    [`Verify with ${BETA}`, 'Beta Client Ltd', 'United Kingdom', 'Certified', expect.any(String)],
  ]);
  await expectAccessible(page);

  // The visitor picks the RCB named on the certificate: that one certification, with a way back.
  await Promise.all([page.waitForNavigation(), page.click(`a[href$="rcb=${beta.rcbId}"]`)]);
  expect(await text(page, '[data-status] h2')).toBe('Certified');
  expect(await text(page, '.facts')).toContain('Beta Client Ltd');
  expect(await text(page, '.facts')).toContain(BETA);
  expect(await text(page, '.other-matches')).toContain('Other certification bodies also use this number');
  await expectAccessible(page);
  await Promise.all([page.waitForNavigation(), page.click('.other-matches a')]);
  expect(await page.$$eval('table.matches tbody tr', (trs) => trs.length)).toBe(2);

  // In French too.
  await page.goto(`${base}/registry/verify?number=SHARED-1&lang=fr`, { waitUntil: 'load' });
  expect(await text(page, 'section[data-status] h2')).toBe(
    '2 organismes de certification utilisent ce numéro',
  );
  expect(await text(page, 'table.matches tbody tr th')).toBe(`Vérifier auprès de ${ALPHA}`);
  await page.close();
});

it('shows a number one RCB uses as before, and an unknown number as not found', async () => {
  const page = await browser.newPage();
  const single = await page.goto(`${base}/registry/verify?number=ALPHA-ONLY-1&lang=en`, {
    waitUntil: 'load',
  });
  expect(single?.status()).toBe(200);
  expect(await text(page, '[data-status] h2')).toBe('Certified');
  expect(await text(page, '[data-status]')).toContain('This organization is certified today.');
  expect(await text(page, '.facts')).toContain(ALPHA);
  expect(await page.$('table.matches')).toBeNull();
  expect(await page.$('.other-matches')).toBeNull();
  await page.close();

  const unknown = await fetch(`${base}/registry/verify?number=NOBODY-1`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('cache-control')).toBe('no-store');
  expect(await unknown.text()).toContain(
    'No certification body has recorded a certificate numbered NOBODY-1.',
  );
  // narrowed to an RCB that does not use the number: not found either, never another RCB's
  expect((await fetch(`${base}/registry/verify?number=ALPHA-ONLY-1&rcb=${beta.rcbId}`)).status).toBe(404);
  expect((await fetch(`${base}/registry/verify?number=SHARED-1&rcb=not-an-id`)).status).toBe(400);
});
