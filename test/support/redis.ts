import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A Redis for a test: its URL, and a restart that keeps its data (append-only file). */
export interface TestRedis {
  url: string;
  /** True when $NEUROFIT_REDIS_URL named it: it is not started, stopped or restarted here. */
  external: boolean;
  /** Stops the server (it writes its append-only file) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free loopback port, as the system hands one out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, ms = 10_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  const until = Date.now() + ms;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() > until) throw new Error(`redis-server at ${url} did not answer within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * $NEUROFIT_REDIS_URL if set; otherwise Debian's `redis-server`, started on a free loopback
 * port with a temporary folder and the append-only file on (as a production queue runs),
 * so a restart loses nothing. Without redis-server the test fails saying how to get one:
 * the queue's tests are never skipped.
 */
export async function startRedis(): Promise<TestRedis> {
  const given = process.env['NEUROFIT_REDIS_URL'];
  if (given) {
    await waitForPing(given);
    return {
      url: given,
      external: true,
      restart: async () => {
        throw new Error('the test restarts Redis, which it cannot do to $NEUROFIT_REDIS_URL: unset it to let the test start its own redis-server');
      },
      stop: async () => {},
    };
  }
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: the queue tests need it (Debian: apt-get install redis-server; .ci/run installs it), or set NEUROFIT_REDIS_URL to a Redis to test against');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'neurofit-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    try {
      await waitForPing(url);
    } catch (err) {
      throw new Error(`${(err as Error).message}; its output:\n${log}`);
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.on('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    external: false,
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
