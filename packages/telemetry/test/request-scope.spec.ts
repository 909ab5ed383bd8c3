import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logContext, observeHttpRequest, stopScopingRequests, withRequestId } from '../src';

// A process that stops scoping requests (the gateway) runs its requests and events outside any
// AsyncLocalStorage: the request id is no longer found implicitly, it must be written explicitly.
// (Jest gives each test file its own modules, so the switch stays in this file.)

async function requestIdSeenInRequest(): Promise<string | undefined> {
  let seen: string | undefined;
  const server: Server = createServer((req, res) => {
    void observeHttpRequest({ req, res, route: '/graphql', requestId: 'req-scoped01' }, async () => {
      await Promise.resolve();
      seen = logContext().requestId;
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return seen;
}

it('scopes requests and events for log lines until the process stops it', async () => {
  expect(await requestIdSeenInRequest()).toBe('req-scoped01');
  expect(await withRequestId('req-event001', async () => logContext().requestId)).toBe('req-event001');
  stopScopingRequests();
  expect(await requestIdSeenInRequest()).toBeUndefined();
  expect(await withRequestId('req-event001', async () => logContext().requestId)).toBeUndefined();
});
