// Per-broker request rate limits, enforced before anything is sent: a sliding window per
// (venue, account, method) — e.g. Futu allows 15 place-order calls per 30 s per account. A call
// over the limit is queued, not dropped; the queue is visible (what waits, since when, and when
// it may go) and drains in order as the window frees up. Clock-driven and deterministic: the
// owner calls `drain(now)` from its timer, so tests control time.

export interface RateRule {
  max: number;
  windowMs: number;
}

export interface QueuedCall<T> {
  id: string;
  key: string;
  enqueuedAt: number;
  /** Earliest time the call may be sent. */
  eligibleAt: number;
  payload: T;
}

export class SlidingWindowLimiter<T> {
  private readonly sent = new Map<string, number[]>();
  private readonly queue: QueuedCall<T>[] = [];

  constructor(private readonly rules: (key: string) => RateRule | undefined) {}

  /** Send timestamps still inside the window for `key`. */
  private recent(key: string, now: number): number[] {
    const rule = this.rules(key);
    const list = this.sent.get(key) ?? [];
    if (!rule) return list;
    const fresh = list.filter((t) => t > now - rule.windowMs);
    this.sent.set(key, fresh);
    return fresh;
  }

  /** When a call for `key` could go, given what was sent (not counting the queue). */
  nextSlot(key: string, now: number): number {
    const rule = this.rules(key);
    if (!rule) return now;
    const recent = this.recent(key, now);
    if (recent.length < rule.max) return now;
    return recent[recent.length - rule.max]! + rule.windowMs;
  }

  /**
   * Asks to send a call now. Returns 'send' (and counts it) when the window has room and nothing
   * for the same key waits ahead of it; otherwise queues it and returns 'queued'.
   */
  request(id: string, key: string, payload: T, now: number): 'send' | 'queued' {
    const ahead = this.queue.some((q) => q.key === key);
    if (!ahead && this.nextSlot(key, now) <= now) {
      this.record(key, now);
      return 'send';
    }
    this.queue.push({ id, key, enqueuedAt: now, eligibleAt: this.nextSlot(key, now), payload });
    return 'queued';
  }

  private record(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    this.sent.set(key, list);
  }

  /** Releases queued calls whose window has room now, oldest first per key; returns them to be sent. */
  drain(now: number): QueuedCall<T>[] {
    const out: QueuedCall<T>[] = [];
    const blocked = new Set<string>();
    for (let i = 0; i < this.queue.length; ) {
      const call = this.queue[i]!;
      if (blocked.has(call.key) || this.nextSlot(call.key, now) > now) {
        blocked.add(call.key);
        call.eligibleAt = this.nextSlot(call.key, now);
        i++;
        continue;
      }
      this.record(call.key, now);
      this.queue.splice(i, 1);
      out.push(call);
    }
    return out;
  }

  /** Removes a queued call (e.g. the order was cancelled before it went out). */
  remove(id: string): boolean {
    const i = this.queue.findIndex((q) => q.id === id);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** What waits, oldest first — for the cockpit's blotter. */
  queued(): readonly QueuedCall<T>[] {
    return this.queue;
  }
}
