// Clocks. The engine asks a Clock for "now"; the simulator's clock runs through real trading
// sessions at wall-clock speed (or faster) and jumps from one session's close to the next
// open, so the demo market always trades while the calendar stays real.
import type { TradingCalendar } from './calendar.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SimClockState {
  simTs: number;
  sessionDate: string;
}

export interface SessionRoll {
  from: string;
  to: string;
}

export class SimSessionClock implements Clock {
  private wallAnchor: number;
  private simAnchor: number;
  private date: string;

  constructor(
    private readonly calendar: TradingCalendar,
    options: {
      state?: SimClockState;
      speed?: number;
      wallNow?: () => number;
      /** Where a new clock (no saved state) starts: this instant, or the next open after it. Default: the wall clock. */
      start?: number;
    } = {},
  ) {
    this.wallNow = options.wallNow ?? Date.now;
    this.speed = options.speed ?? 1;
    this.wallAnchor = this.wallNow();
    const start = options.start ?? this.wallAnchor;
    if (options.state && calendar.isTradingDay(options.state.sessionDate)) {
      this.date = options.state.sessionDate;
      this.simAnchor = Math.min(Math.max(options.state.simTs, calendar.openAt(this.date)), calendar.closeAt(this.date) - 1);
    } else {
      const current = calendar.session(start);
      if (current.state === 'REGULAR') {
        this.date = current.date;
        this.simAnchor = start;
      } else {
        const today = calendar.onOrAfter(current.date);
        this.date = calendar.openAt(today) > start ? today : calendar.nextTradingDay(today);
        this.simAnchor = calendar.openAt(this.date);
      }
    }
  }

  private readonly wallNow: () => number;
  private readonly speed: number;

  now(): number {
    return this.simAnchor + (this.wallNow() - this.wallAnchor) * this.speed;
  }

  get sessionDate(): string {
    return this.date;
  }

  get state(): SimClockState {
    return { simTs: this.now(), sessionDate: this.date };
  }

  /** Moves to the next session when this one has closed. Returns the roll, if one happened. */
  advance(): SessionRoll | undefined {
    const t = this.now();
    const close = this.calendar.closeAt(this.date);
    if (t < close) return undefined;
    const from = this.date;
    const next = this.calendar.nextTradingDay(this.date);
    this.date = next;
    this.wallAnchor = this.wallNow();
    this.simAnchor = this.calendar.openAt(next) + Math.min(t - close, 60_000);
    return { from, to: next };
  }
}
