import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Redis } from "ioredis";

// Renew only our own lease; a key that vanished (Redis restarted empty) is nobody's, so the
// holder takes it back rather than stop for nothing.
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1 end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** What the lease needs. */
export interface LeaseOptions {
  redis: Redis;
  /** The lease key, e.g. `<prefix>:coordinator:lease`. */
  key: string;
  ttlMs: number;
  /** Told once when a held lease is lost (not renewed in time, or taken by another). */
  onLost: (why: string) => void;
  /** How often a standby tries to take the lease; default 1 s. */
  retryMs?: number;
  /** Monotonic ms (not the wall clock, which may jump); default performance.now. */
  monotonic?: () => number;
}

/**
 * The coordinator lease: `SET key token NX PX ttl`, renewed every ttl/3 by a compare-and-pexpire.
 * The token carries a fencing epoch (INCR), so a later holder always has a larger one. The holder
 * counts the lease as its own only until `ttl - ttl/4` after the last renewal it sent, so it stops
 * working before the key can expire and another coordinator take it.
 */
export class RedisLease {
  private token: string | null = null;
  private validUntil = 0;
  private renewTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: LeaseOptions) {}

  private isClosed(): boolean {
    return this.closed;
  }

  private now(): number {
    return (this.options.monotonic ?? (() => performance.now()))();
  }

  /** The fencing token of the lease held, or null. */
  get fencingToken(): string | null {
    return this.held ? this.token : null;
  }

  /** Whether this process holds the lease now (and may schedule, record and alert). */
  get held(): boolean {
    return this.token !== null && this.now() < this.validUntil;
  }

  /** Tries once to take the lease. */
  async tryAcquire(): Promise<boolean> {
    if (this.closed) return false;
    const { redis, key, ttlMs } = this.options;
    const epoch = await redis.incr(`${key}:epoch`);
    const token = `${String(epoch)}.${randomUUID()}`;
    const sentAt = this.now();
    const ok = await redis.set(key, token, "PX", ttlMs, "NX");
    if (ok !== "OK") return false;
    if (this.isClosed()) {
      await redis.eval(RELEASE, 1, key, token);
      return false;
    }
    this.token = token;
    this.markRenewed(sentAt);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(ttlMs / 3)));
    return true;
  }

  /** Tries every retryMs until the lease is taken or `signal` aborts; true when taken. */
  async acquire(signal: AbortSignal, onError: (err: unknown) => void): Promise<boolean> {
    while (!signal.aborted && !this.closed) {
      try {
        if (await this.tryAcquire()) return true;
      } catch (err) {
        onError(err);
      }
      await new Promise<void>((r) => {
        const done = (): void => {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          r();
        };
        const t = setTimeout(done, this.options.retryMs ?? 1000);
        signal.addEventListener("abort", done);
      });
    }
    return false;
  }

  private markRenewed(sentAt: number): void {
    const { ttlMs } = this.options;
    this.validUntil = sentAt + ttlMs - Math.floor(ttlMs / 4);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(
      () => {
        this.lose("not renewed in time (Redis unreachable?)");
      },
      Math.max(0, this.validUntil - this.now()),
    );
  }

  private async renew(): Promise<void> {
    const token = this.token;
    // Never queue a renewal while disconnected: replayed after a loss, on a Redis that came back
    // empty, it would re-create the lost lease for a whole ttl and keep every coordinator out.
    if (token === null || this.options.redis.status !== "ready") return;
    const sentAt = this.now();
    try {
      const ok = await this.options.redis.eval(
        RENEW,
        1,
        this.options.key,
        token,
        this.options.ttlMs,
      );
      if (this.token !== token) return;
      if (ok === 1) this.markRenewed(sentAt);
      else this.lose("another coordinator holds it");
    } catch {
      // A failed renewal is retried on the next tick; the expiry timer fences us in the meantime.
    }
  }

  private lose(why: string): void {
    const token = this.token;
    if (token === null) return;
    this.stopTimers();
    this.token = null;
    // A renewal already on the wire may still land (ioredis resends unanswered commands after a
    // reconnect); delete what it could re-create, never another holder's lease. Sent after it on
    // the same connection, so it runs after it.
    void this.options.redis.eval(RELEASE, 1, this.options.key, token).catch(() => 0);
    this.options.onLost(why);
  }

  private stopTimers(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.renewTimer = null;
    this.expiryTimer = null;
  }

  /** Gives the lease up (a clean shutdown lets the standby take over at once). */
  async release(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    const token = this.token;
    this.token = null;
    if (token === null) return;
    await this.options.redis.eval(RELEASE, 1, this.options.key, token).catch(() => 0);
  }
}
