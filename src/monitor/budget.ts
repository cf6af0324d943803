const HOUR_MS = 3_600_000;

/** Where the ledger of sent token requests is kept, so a restart cannot reset the budget. */
export interface LoginLedger {
  recordLogin(username: string, atMs: number): void;
  loginsSince(username: string, sinceMs: number): number[];
}

/**
 * The per-user login budget: token requests in any rolling hour, failures included, never exceed
 * the limit. Salesforce blocks a user at 3,600 an hour, and the real integration shares that.
 */
export class LoginBudget {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly ledger: LoginLedger | null = null) {}

  private window(username: string, nowMs: number): number[] {
    let times = this.recent.get(username);
    if (!times) {
      times = this.ledger ? this.ledger.loginsSince(username, nowMs - HOUR_MS) : [];
      this.recent.set(username, times);
    }
    while (times.length > 0 && (times[0] ?? 0) <= nowMs - HOUR_MS) times.shift();
    return times;
  }

  /** How many token requests were sent for this user in the last hour. */
  used(username: string, nowMs: number): number {
    return this.window(username, nowMs).length;
  }

  /** Takes one login if the budget allows it; false means: do not send a token request now. */
  tryTake(username: string, limit: number, nowMs: number): boolean {
    const times = this.window(username, nowMs);
    if (times.length >= limit) return false;
    times.push(nowMs);
    this.ledger?.recordLogin(username, nowMs);
    return true;
  }

  /** The earliest time a login will be allowed again. */
  nextSlot(username: string, limit: number, nowMs: number): number {
    const times = this.window(username, nowMs);
    if (times.length < limit) return nowMs;
    return (times[times.length - limit] ?? nowMs) + HOUR_MS + 1;
  }
}
