// What the benchmark servers (bench/server.ts, bench/push-server.ts) share: a free loopback port (they must
// know their base URL before they listen), and ending when told to (SIGTERM) or when the benchmark that
// started them goes away (their stdin closes), after their own clean-up.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function exitWithParent(cleanUp: () => Promise<void>): void {
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await cleanUp();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
}
