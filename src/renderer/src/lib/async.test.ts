import { describe, expect, it } from 'vitest';
import { createDebouncedLatest, createPoller, type Timers } from './async.js';

/** Manual clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get count(): number {
    return this.pending.size;
  }
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      await flush();
    }
    this.now = until;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createDebouncedLatest', () => {
  it('runs once after the quiet period with the last argument', async () => {
    const timers = new FakeTimers();
    const calls: string[] = [];
    const results: string[] = [];
    const d = createDebouncedLatest<string, string>({
      delayMs: 250,
      timers,
      run: async (arg) => {
        calls.push(arg);
        return arg.toUpperCase();
      },
      onResult: (r) => results.push(r),
    });
    d.schedule('a');
    await timers.advance(100);
    d.schedule('ab');
    await timers.advance(100);
    d.schedule('abc');
    await timers.advance(249);
    expect(calls).toEqual([]);
    await timers.advance(1);
    expect(calls).toEqual(['abc']);
    expect(results).toEqual(['ABC']);
  });

  it('drops a slow older answer that arrives after a newer one', async () => {
    const timers = new FakeTimers();
    const answers = new Map<string, ReturnType<typeof deferred<string>>>();
    const results: string[] = [];
    const d = createDebouncedLatest<string, string>({
      delayMs: 10,
      timers,
      run: (arg) => {
        const def = deferred<string>();
        answers.set(arg, def);
        return def.promise;
      },
      onResult: (r) => results.push(r),
    });
    d.schedule('old');
    await timers.advance(10);
    d.schedule('new');
    await timers.advance(10);
    answers.get('new')!.resolve('new');
    await flush();
    answers.get('old')!.resolve('old');
    await flush();
    expect(results).toEqual(['new']);
  });

  it('cancel drops the pending call and the answer in flight', async () => {
    const timers = new FakeTimers();
    const def = deferred<number>();
    const results: number[] = [];
    let runs = 0;
    const d = createDebouncedLatest<number, number>({
      delayMs: 10,
      timers,
      run: () => {
        runs++;
        return def.promise;
      },
      onResult: (r) => results.push(r),
    });
    d.schedule(1);
    await timers.advance(10);
    d.cancel();
    def.resolve(1);
    d.schedule(2);
    d.cancel();
    await timers.advance(50);
    expect(runs).toBe(1);
    expect(results).toEqual([]);
  });
});

describe('createPoller', () => {
  it('polls at the interval counted from the end of each run, never overlapping', async () => {
    const timers = new FakeTimers();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const pending: (() => void)[] = [];
    const poller = createPoller({
      intervalMs: 5_000,
      timers,
      run: () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        return new Promise<void>((resolve) =>
          pending.push(() => {
            active--;
            resolve();
          }),
        );
      },
    });
    poller.start();
    expect(runs).toBe(1);
    poller.refresh();
    poller.refresh();
    await timers.advance(10_000);
    expect(runs).toBe(1); // still in flight: no second request, no timer
    pending.shift()!();
    await flush();
    expect(runs).toBe(2); // the queued refresh runs once, right after
    pending.shift()!();
    await flush();
    await timers.advance(4_999);
    expect(runs).toBe(2);
    await timers.advance(1);
    expect(runs).toBe(3);
    expect(maxActive).toBe(1);
    poller.stop();
    pending.shift()!();
    await timers.advance(60_000);
    expect(runs).toBe(3);
    expect(timers.count).toBe(0);
  });

  it('skips ticks while hidden and keeps going after a failed run', async () => {
    const timers = new FakeTimers();
    let visible = false;
    let runs = 0;
    const poller = createPoller({
      intervalMs: 1_000,
      timers,
      isVisible: () => visible,
      run: async () => {
        runs++;
        throw new Error('engine away');
      },
    });
    poller.start();
    await flush();
    expect(runs).toBe(1);
    await timers.advance(5_000);
    expect(runs).toBe(1);
    visible = true;
    await timers.advance(1_000);
    expect(runs).toBe(2);
    await timers.advance(1_000);
    expect(runs).toBe(3);
    poller.stop();
  });
});
