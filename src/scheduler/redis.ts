import { Redis } from "ioredis";

/** Connection settings both ioredis and BullMQ take. */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
  retryStrategy: (attempt: number) => number;
}

/** How long to wait before reconnecting, by attempt: quick at first, then every 2 s, forever. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

/**
 * Connection options from a redis:// or rediss:// URL. The URL may hold a password, so it is
 * never logged; `describeRedis` gives the printable form.
 */
export function redisOptions(url: string): RedisConnection {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, "");
  const options: RedisConnection = {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : 6379,
    // BullMQ's blocking commands need requests that wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelayMs,
  };
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (db) options.db = Number(db);
  if (u.protocol === "rediss:") options.tls = {};
  return options;
}

/** host:port of a Redis URL, without credentials: safe for logs and messages. */
export function describeRedis(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "6379"}`;
}

/** A plain ioredis client (for the lease); errors are reported, never thrown at the emitter. */
export function redisClient(url: string, onError: (err: Error) => void): Redis {
  const client = new Redis({ ...redisOptions(url) });
  client.on("error", onError);
  return client;
}
