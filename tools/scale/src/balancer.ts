import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface Balancer {
  port: number;
  close(): Promise<void>;
}

/** A backend refused is left out this long before it is tried again. */
const COOL_DOWN_MS = 1_000;

/**
 * A TCP load balancer on loopback, as the one in front of a replicated deployment: each connection
 * goes to the next backend in turn; a backend that refuses is skipped (and left out for a moment),
 * so a killed replica costs the requests it had in flight and nothing after. `backends` is read at
 * every connection, so the caller can change it.
 */
export async function startBalancer(backends: () => readonly Backend[], port = 0): Promise<Balancer> {
  let next = 0;
  const downUntil = new Map<string, number>();
  const sockets = new Set<Socket>();
  const keyOf = (b: Backend) => `${b.host}:${b.port}`;

  const pipeTo = (client: Socket, tried: number) => {
    const all = backends();
    const now = Date.now();
    const candidates = all.filter((b) => (downUntil.get(keyOf(b)) ?? 0) <= now);
    const pool = candidates.length > 0 ? candidates : all;
    if (pool.length === 0 || tried >= pool.length) {
      client.destroy();
      return;
    }
    const backend = pool[next++ % pool.length];
    const upstream = connect(backend.port, backend.host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (connected) {
        client.destroy();
        return;
      }
      downUntil.set(keyOf(backend), Date.now() + COOL_DOWN_MS);
      if (!client.destroyed) pipeTo(client, tried + 1);
    });
    client.once('close', () => upstream.destroy());
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    pipeTo(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
