import type { Redis, RedisOptions } from 'ioredis';

/** The default queue: every fit job of a Redis database goes here unless told otherwise. */
export const DEFAULT_QUEUE = 'neurofit';

/** Where the queue lives: a Redis URL (`redis://`, `rediss://` for TLS, with `user:password@` if needed) and the queue's name. */
export interface QueueConnection {
  redis: string;
  /** Queue name (default {@link DEFAULT_QUEUE}). */
  queue?: string;
}

/** A Redis URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/**
 * BullMQ, imported only when a queue is used: nothing else in neurofit needs it or Redis,
 * and the command line starts without loading it.
 */
export async function loadBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (err) {
    throw new Error(`neurofit's queue needs the bullmq package (npm install bullmq ioredis): ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * A Redis connection. `persistent` (a worker): keeps retrying while Redis is down, saying
 * once per outage that it cannot reach it and once that it is back; otherwise (a command
 * that queues or reads): fails after a few attempts with a message naming the URL.
 */
export async function connectRedis(url: string, o: { persistent: boolean; log?: (message: string) => void }): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`--redis: expected redis://[user:password@]host:port[/db] or rediss:// (TLS), got '${redactUrl(url)}'`);
  const { Redis: IORedis } = await import('ioredis');
  const shown = redactUrl(url);
  const log = o.log ?? ((m: string) => process.stderr.write(`neurofit: ${m}\n`));
  let down = false;
  let lastError = '';
  const options: RedisOptions = {
    // BullMQ's workers block on Redis: their commands wait for a reconnect rather than fail
    maxRetriesPerRequest: o.persistent ? null : 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => {
      if (!o.persistent && times > 2) return null;
      return Math.min(250 * times, 5000);
    },
  };
  const client = new IORedis(url, options);
  client.on('error', (err: Error & { code?: string }) => {
    lastError = err.code ?? err.message;
    if (o.persistent && !down) {
      down = true;
      log(`cannot reach Redis at ${shown} (${lastError}); retrying every few seconds`);
    }
  });
  client.on('ready', () => {
    if (down) log(`Redis at ${shown} is back`);
    down = false;
  });
  if (!o.persistent) {
    try {
      await client.ping();
    } catch (err) {
      client.disconnect();
      const why = lastError || (err as Error).message.split('\n')[0];
      throw new Error(/WRONGPASS|NOAUTH|NOPERM/.test(why) ? `Redis at ${shown} refused the credentials (${why}): check the user and password in the URL` : `cannot reach Redis at ${shown} (${why}): is redis-server running there, and the URL right?`);
    }
  }
  return client;
}
