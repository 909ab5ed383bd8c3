import { randomUUID } from 'node:crypto';
import { errorCodes, viewers, WebhookReceiver } from '@iso20000/testing';
import { AllowedHosts } from '../src/domain/outbound-address';
import { sendWebhook } from '../src/delivery/send-webhook';
import { parseWebhookUrl } from '../src/domain/webhook-url';
import { CREATE, startNotificationsHarness, type NotificationsHarness } from './notifications-harness';

const request = (url: string) => ({ url, body: '{}', headers: { 'webhook-id': randomUUID() } });
const rules = (allowed = '') => ({
  httpsOnly: false,
  allowedHosts: new AllowedHosts(allowed),
  timeoutMs: 2000,
});

describe('where webhooks may go', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('refuses loopback, by address and by a name that resolves to it, unless allow-listed', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      receiver.url,
      `http://localhost:${port}/webhooks`,
      `http://[::ffff:127.0.0.1]:${port}/x`,
    ]) {
      const result = await sendWebhook(request(url), rules());
      expect(result).toMatchObject({ outcome: 'REFUSED_ADDRESS', responseStatus: null });
    }
    expect(receiver.received).toHaveLength(0);

    const allowed = await sendWebhook(request(receiver.url), rules('127.0.0.1'));
    expect(allowed).toMatchObject({ outcome: 'SUCCEEDED', responseStatus: 204 });
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses private, link-local and metadata addresses without connecting', async () => {
    for (const url of [
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/',
      'http://192.168.0.1/',
    ]) {
      const result = await sendWebhook(request(url), rules());
      expect(result.outcome).toBe('REFUSED_ADDRESS');
      // refused before any connection: no timeout waited
      expect(result.latencyMs).toBeLessThan(1000);
    }
  });

  it('sends plain http nowhere in production', async () => {
    const result = await sendWebhook(request(receiver.url), { ...rules('127.0.0.1'), httpsOnly: true });
    expect(result.outcome).toBe('REFUSED_ADDRESS');
    expect(receiver.received).toHaveLength(0);
  });

  it('does not follow redirects', async () => {
    receiver.answer = () => 307;
    const result = await sendWebhook(request(receiver.url), rules('127.0.0.1'));
    expect(result).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 307 });
    expect(result.error).toMatch(/redirect \(not followed\)/);
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up an attempt at its timeout', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const result = await sendWebhook(request(`http://127.0.0.1:${port}/`), {
        ...rules('127.0.0.1'),
        timeoutMs: 300,
      });
      expect(result.outcome).toBe('TIMEOUT');
      expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('endpoint addresses at creation', () => {
  let h: NotificationsHarness;
  beforeAll(async () => {
    h = await startNotificationsHarness({ start: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['http://10.1.2.3/hook', /private or reserved/],
    ['http://169.254.169.254/', /private or reserved/],
    ['http://localhost:8080/hook', /public host name/],
    ['https://user:secret@hooks.example.com/', /user name or password/],
    ['ftp://hooks.example.com/', /https/],
    ['not a url', /absolute URL/],
  ])('refuses %s', async (url, message) => {
    const result = await h.as(viewers.schemeStaff(), CREATE, {
      input: { url, eventTypes: ['ATO_STATUS_CHANGED'] },
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('refuses plain http when https only (production), and takes https', () => {
    const productionRules = { httpsOnly: true, allowedHosts: new AllowedHosts('') };
    expect(() => parseWebhookUrl('http://hooks.example.com/', productionRules)).toThrow(/must use https/);
    expect(parseWebhookUrl('https://hooks.example.com/in', productionRules)).toBe(
      'https://hooks.example.com/in',
    );
  });
});
