/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createLogger } from '@iso20000/service-kit';
import { eventually } from '@iso20000/testing';
// The whole system for this file comes from the end-to-end harness (four services and the gateway).
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  inDays,
  ok as okThrough,
  releasedFoundationPass,
  startE2eSystem,
  type RunningSystem,
} from '@iso20000/tool-e2e/src/harness';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { freePort } from '@iso20000/tool-dev/src/launcher';
import { readBakedCredential } from '../src/baked-png';
import { loadWebConfig } from '../src/config';
import { createGatewayClient, type GatewayClient } from '../src/gateway-client';
import { createWebServer } from '../src/server';

// A person's view of the public pages, in Debian's Chromium, against the whole system: a badge from
// a real released pass, its verification, the revocation showing on both, the registry searched and
// paged, a training provider found; axe (WCAG 2.1 A and AA) on every page; screenshots kept.

jest.setTimeout(240_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let system: RunningSystem;
let web: Server;
let gateway: GatewayClient;
let browser: Browser;
let base: string;
let profile: string;
let staff: string;
const ok = <T>(query: string, variables: Record<string, unknown> = {}, token?: string) =>
  okThrough<T>(system, query, variables, token);
const axeReport: Record<string, number> = {};

beforeAll(async () => {
  // Fail loudly (never skip) when the browser is missing: CI must install it.
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`apt-get install chromium\` (or set CHROMIUM_PATH)`,
    );
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  system = await startE2eSystem('e2eweb', {
    // Badges and credentials name this site, as in production.
    CERTIFICATE_PUBLIC_BASE_URL: base,
    VERIFY_RATE_LIMIT_BURST: '10000',
    VERIFY_RATE_LIMIT_PER_MINUTE: '10000',
  });
  staff = await system.token('scheme_staff');
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
  profile = mkdtempSync(join(tmpdir(), 'web-e2e-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
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
  process.stdout.write(`axe violations per page (${WCAG_TAGS.join(', ')}): ${JSON.stringify(axeReport)}\n`);
}, 60_000);

/** axe-core in the page (CSP bypassed for the test only); every WCAG 2.1 A/AA violation fails. */
async function expectAccessible(page: Page, name: string) {
  // Server-rendered with no script at all: every page works with JavaScript off.
  expect(await page.content()).not.toContain('<script');
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    (tags: string[]) =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG_TAGS,
  )) as AxeResults;
  axeReport[name] = results.violations.length;
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function open(page: Page, path: string, status = 200) {
  const response = await page.goto(path.startsWith('http') ? path : `${base}${path}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(status);
  const text = await page.evaluate(() => document.body.innerText);
  // Never a stack trace, whatever the answer.
  expect(text).not.toMatch(/\bat .+\.ts:\d+|Error:/);
  return response;
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as HTMLElement).innerText.trim());

/** A Foundation pass released by the exam service (released on marking), then the badge claimed. */
async function issuedBadge(holder: string) {
  const candidateId = randomUUID();
  const candidate = await system.token('candidate', { candidateId, name: holder });
  await releasedFoundationPass(system, { staff, candidate });
  const certificate = await eventually(
    async () => {
      const data = await ok<{
        me: {
          certificates: {
            edges: Array<{
              node: { id: string; number: string; status: string; credential: { jwt: string } | null };
            }>;
          };
        };
      }>(
        `{ me { certificates(first: 5) { edges { node { id number status credential { jwt } } } } } }`,
        {},
        candidate,
      );
      return data.me.certificates.edges.find((e) => e.node.status === 'ISSUED')?.node;
    },
    30_000,
    'the certificate to be issued',
  );
  const claimed = await ok<{ claimCertificateBadge: { id: string; pageUrl: string } }>(
    `mutation($id: ID!) { claimCertificateBadge(certificateId: $id) { id pageUrl } }`,
    { id: certificate.id },
    candidate,
  );
  return { certificate, badge: claimed.claimCertificateBadge };
}

/** An appointed RCB with 25 listed certifications (bulk API), one of them then suspended. */
async function registryWithCertifications() {
  const applied = await ok<{ applyForRcbAppointment: { id: string } }>(
    `mutation($input: RcbApplicationInput!) { applyForRcbAppointment(input: $input) { id } }`,
    {
      input: {
        name: 'Webtest Certification Body',
        country: 'FR',
        companyDetails: { legalName: 'Webtest Certification SAS', address: ['1 rue de la Paix', 'Paris'] },
        contacts: [{ name: 'Claire Audit', email: 'claire@webtest-cert.example' }],
        nationalAccreditationBody: 'COFRAC',
        accreditationReference: 'COFRAC-5-0001',
        countriesServed: ['FR', 'GB'],
      },
    },
  );
  const rcbId = applied.applyForRcbAppointment.id;
  await ok(`mutation($id: ID!) { beginRcbAssessment(rcbId: $id) { status } }`, { id: rcbId }, staff);
  await ok(
    `mutation($id: ID!) { decideRcbApplication(rcbId: $id, decision: APPOINT, notes: "meets ISO/IEC 17021-1") { status } }`,
    { id: rcbId },
    staff,
  );
  const key = await ok<{ createRcbCredential: { apiKey: string } }>(
    `mutation($id: ID!) { createRcbCredential(rcbId: $id, label: "web e2e") { apiKey } }`,
    { id: rcbId },
    staff,
  );
  const rcb = `ApiKey ${key.createRcbCredential.apiKey}`;
  const records = Array.from({ length: 25 }, (_, i) => ({
    certificateNumber: `WEB-${String(i + 1).padStart(3, '0')}`,
    organization: {
      legalName: `Webtest Services ${String(i + 1).padStart(2, '0')} SA`,
      country: i % 2 ? 'FR' : 'GB',
      address: {
        lines: [`${i + 1} avenue des Tests`],
        city: 'Lyon',
        postalCode: '69001',
        country: i % 2 ? 'FR' : 'GB',
      },
      publicListing: true,
    },
    scope: 'Managed IT services for public-sector customers',
    cycleStart: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
  }));
  await eventually(
    async () => {
      const result = await system.query<{ upsertCertifications: { created: number } }>(
        `mutation($input: [UpsertCertificationInput!]!) { upsertCertifications(input: $input) { created } }`,
        { input: records },
        rcb,
      );
      return result.data?.upsertCertifications.created === 25 ? true : undefined;
    },
    30_000,
    'the registry to accept the appointed RCB’s certifications',
  );
  const target = await ok<{ organizationCertification: { id: string; version: number } }>(
    `query($n: String!) { organizationCertification(certificateNumber: $n) { id version } }`,
    { n: 'WEB-007' },
    rcb,
  );
  await ok(
    `mutation($id: ID!, $v: Int!, $key: String!) { suspendCertification(id: $id, expectedVersion: $v, reason: "Surveillance audit overdue", idempotencyKey: $key) { certification { status } } }`,
    {
      id: target.organizationCertification.id,
      v: target.organizationCertification.version,
      key: randomUUID(),
    },
    rcb,
  );
}

/** An accredited ATO with a virtual Auditor course in German. */
async function trainingProvider() {
  const applied = await ok<{ applyForAtoAccreditation: { id: string } }>(
    `mutation($input: AtoApplicationInput!) { applyForAtoAccreditation(input: $input) { id } }`,
    {
      input: {
        name: 'Webtest Academy',
        country: 'DE',
        companyDetails: { legalName: 'Webtest Academy GmbH', address: ['Hauptstr. 2', 'Berlin'] },
        contacts: [{ name: 'Anna Lehrer', email: 'anna@webtest-academy.example' }],
        examLevels: ['AUDITOR'],
        languages: ['de'],
        deliveryModes: ['VIRTUAL'],
      },
    },
  );
  const atoId = applied.applyForAtoAccreditation.id;
  await ok(`mutation($id: ID!) { beginAtoAssessment(atoId: $id) { status } }`, { id: atoId }, staff);
  await ok(
    `mutation($id: ID!) { decideAtoApplication(atoId: $id, decision: ACCREDIT, notes: "all criteria met") { status } }`,
    { id: atoId },
    staff,
  );
  await ok(
    `mutation($id: ID!, $input: CourseInput!) { createCourse(atoId: $id, input: $input) { id } }`,
    {
      id: atoId,
      input: {
        examCode: 'AUDITOR',
        language: 'de',
        country: 'DE',
        deliveryMode: 'VIRTUAL',
        startsOn: inDays(20).slice(0, 10),
        endsOn: inDays(22).slice(0, 10),
        examIncluded: true,
      },
    },
    staff,
  );
}

it('badge, verification, revocation, registry and find-a-provider pages, accessible in English and French', async () => {
  const [{ certificate, badge }] = await Promise.all([
    issuedBadge('Hélène <Dupont>'),
    registryWithCertifications(),
    trainingProvider(),
  ]);
  expect(badge.pageUrl).toBe(`${base}/badges/${badge.id}`);
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  await page.setExtraHTTPHeaders({ 'accept-language': 'en-GB,en;q=0.9' });

  // The badge page at the address the badge names.
  await open(page, badge.pageUrl);
  expect(await page.$eval('html', (el) => el.lang)).toBe('en');
  expect(await page.$$('script')).toHaveLength(0);
  expect(await text(page, '.holder')).toBe('Hélène <Dupont>');
  expect(await text(page, '[data-status]')).toBe('Valid');
  expect(await text(page, '[data-signature]')).toContain('checked it against the issuer’s published key');
  const meta = (property: string) =>
    page.$eval(`meta[property="${property}"], meta[name="${property}"]`, (el) => el.getAttribute('content'));
  expect(await meta('og:image')).toBe(`${base}/badge-images/foundation.png`);
  expect(await meta('og:url')).toBe(badge.pageUrl);
  expect(await meta('twitter:card')).toBe('summary');
  const linkedIn = new URL((await page.$eval('a.linkedin', (a) => a.getAttribute('href'))) ?? '');
  expect(Object.fromEntries(linkedIn.searchParams)).toMatchObject({
    startTask: 'CERTIFICATION_NAME',
    name: 'ISO/IEC 20000 Foundation',
    certUrl: badge.pageUrl,
    certId: certificate.number,
    issueYear: String(new Date().getUTCFullYear()),
    issueMonth: String(new Date().getUTCMonth() + 1),
  });
  expect(await page.$eval('#embed-html', (el) => (el as HTMLTextAreaElement).value)).toContain(
    `${base}/badges/${badge.id}`,
  );
  await expectAccessible(page, 'badge-valid');

  // The downloaded image carries the signed credential and verifies on its own.
  const image = await fetch(`${base}/badges/${badge.id}/badge.png`);
  expect(image.headers.get('content-type')).toBe('image/png');
  const baked = readBakedCredential(Buffer.from(await image.arrayBuffer()));
  expect(baked).toBe(certificate.credential?.jwt);
  const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(baked ?? '', createLocalJWKSet(jwks), { typ: 'vc+jwt' });
  expect(payload.id).toBe(`${base}/certificates/${certificate.number}`);
  const badgeImage = await fetch(`${base}/badge-images/foundation.png`);
  expect(badgeImage.headers.get('cache-control')).toBe('public, max-age=86400');

  // One click to the verification.
  await Promise.all([page.waitForNavigation(), page.click('a.verify-link')]);
  expect(page.url()).toBe(`${base}/verify/${certificate.number}`);
  expect(await text(page, '[data-status] h2')).toBe('Valid');
  await expectAccessible(page, 'verify-valid');

  // The same page in French, remembered by a cookie when switching.
  await Promise.all([page.waitForNavigation(), page.click('a.language')]);
  expect(await page.$eval('html', (el) => el.lang)).toBe('fr');
  expect(await text(page, '[data-status] h2')).toBe('Valide');
  await open(page, badge.pageUrl);
  expect(await text(page, '[data-status]')).toBe('Valide');
  expect(await text(page, 'main')).toContain(
    new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date()),
  );
  await expectAccessible(page, 'badge-valid-fr');
  await open(page, `${badge.pageUrl}?lang=en`);

  // Revoked by scheme staff: both pages change.
  await ok(
    `mutation($input: RevokeCertificateInput!) { revokeCertificate(input: $input) { status } }`,
    { input: { certificateId: certificate.id, reason: 'Identity fraud at the exam' } },
    staff,
  );
  await open(page, badge.pageUrl);
  expect(await text(page, '[data-status]')).toMatch(/^Revoked on /);
  expect(await page.$('a.linkedin')).toBeNull();
  await expectAccessible(page, 'badge-revoked');
  expect((await fetch(`${base}/badges/${badge.id}/badge.png`)).status).toBe(410);
  await open(page, `/verify/${certificate.number}`);
  expect(await text(page, '[data-status] h2')).toBe('Revoked');

  // Verification through the form, and bad numbers answered plainly.
  await open(page, '/verify');
  await expectAccessible(page, 'verify-form');
  await page.type('#number', 'F26-7K3Q-M9PA');
  await Promise.all([page.waitForNavigation(), page.click('form button')]);
  expect(['No such certificate', 'Not a certificate number']).toContain(await text(page, '[data-status] h2'));
  await open(page, `/verify/${'X'.repeat(60)}`, 400);
  await expectAccessible(page, 'verify-too-long');
  await open(page, `/badges/${randomUUID()}`, 404);
  await expectAccessible(page, 'badge-unknown');
  await open(page, '/badges/not-a-badge', 404);

  // The registry: search, page through, open a certification with its honest status and history.
  await open(page, '/registry');
  await page.type('#name', 'Webtest Services');
  await Promise.all([page.waitForNavigation(), page.click('form.search-form button')]);
  const firstPage = await page.$$eval('table.results tbody tr', (rows) => rows.length);
  expect(firstPage).toBe(20);
  expect(await page.$eval('table.results thead', (el) => (el as HTMLElement).innerText)).toMatch(
    /Company\s+Country\s+Certification body \(RCB\)\s+Start date\s+Expiry date/,
  );
  await expectAccessible(page, 'registry-search');
  await Promise.all([page.waitForNavigation(), page.click('a[rel="next"]')]);
  expect(await page.$$eval('table.results tbody tr', (rows) => rows.length)).toBe(5);
  await expectAccessible(page, 'registry-page-2');
  await open(page, '/registry?name=Webtest%20Services&status=SUSPENDED&lang=fr');
  expect(await page.$$eval('table.results tbody tr', (rows) => rows.length)).toBe(1);
  expect(await page.$eval('table.results thead', (el) => (el as HTMLElement).innerText)).toMatch(
    /Société\s+Pays/,
  );
  await Promise.all([page.waitForNavigation(), page.click('table.results tbody a')]);
  expect(await text(page, 'h1')).toBe('Webtest Services 07 SA');
  expect(await text(page, '[data-status] h2')).toContain('Suspendue');
  expect(await text(page, '[data-status]')).toContain('Surveillance audit overdue');
  expect(
    await page.$$eval('table.history tbody tr', (rows) => rows.map((r) => (r as HTMLElement).innerText)),
  ).toEqual([expect.stringContaining('Suspendue'), expect.stringContaining('Délivrée')]);
  await expectAccessible(page, 'certification-suspended-fr');
  // Instant verification of an organization's certificate number, from the registry page's form.
  await open(page, '/registry?lang=en');
  await page.type('#certificate', 'WEB-007');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/registry/verify"] button')]);
  expect(await text(page, '[data-status] h2')).toBe('Suspended');
  expect(await text(page, '[data-status]')).toContain('This certificate is not valid today.');
  await expectAccessible(page, 'registry-verify-suspended');
  await open(page, '/registry/verify?number=WEB-999', 404);
  await open(page, `/registry?name=${'a'.repeat(10_000)}&lang=en`, 400);
  expect(await text(page, '.error-summary')).toContain('at most 200 characters');
  await expectAccessible(page, 'registry-too-long');

  // Find a training provider, as the scheme's form asks.
  await open(page, '/training-providers');
  await page.select('#exam', 'AUDITOR');
  await page.select('#country', 'DE');
  await page.select('#language', 'de');
  await page.select('#mode', 'VIRTUAL');
  await Promise.all([page.waitForNavigation(), page.click('form.search-form button')]);
  expect(await page.$$eval('.provider h3', (els) => els.map((e) => (e as HTMLElement).innerText))).toEqual([
    'Webtest Academy',
  ]);
  expect(await text(page, '.courses')).toContain('exam included');
  await expectAccessible(page, 'providers');
  await open(page, '/training-providers?mode=HELICOPTER', 400);

  await open(page, '/');
  await expectAccessible(page, 'home');
  // The check itself can fail: an image without a text alternative is reported.
  await page.evaluate(() =>
    document.body.insertAdjacentHTML('beforeend', '<img src="/badge-images/auditor.png">'),
  );
  await page.evaluate(AXE_SOURCE);
  const broken = (await page.evaluate(
    (tags: string[]) =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG_TAGS,
  )) as AxeResults;
  expect(broken.violations.map((v) => v.id)).toContain('image-alt');
  await page.close();
});
