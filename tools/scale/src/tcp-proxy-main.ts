import { startBalancer } from './balancer';

// A TCP proxy in a process of its own, so that the drill can freeze it (SIGSTOP) to play a database
// that stops answering, without touching the PostgreSQL server the machine shares.
// Usage: tcp-proxy-main.ts <listenPort> <targetHost> <targetPort>

const [listenPort, host, targetPort] = process.argv.slice(2);
startBalancer(() => [{ host, port: Number(targetPort) }], Number(listenPort)).then(
  () => process.stdout.write(`listening ${listenPort}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => process.exit(0));
