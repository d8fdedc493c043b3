import { describe, expect, it } from 'vitest';
import type { CockpitState } from '../../../shared/domain.js';
import { StateFeed, type FrameScheduler } from './state-feed.js';
import { cockpitState, quote, riskEvent } from '../testing/fixtures.js';

/** A frame scheduler the test advances by hand. */
function manualFrames() {
  const queue: (() => void)[] = [];
  const scheduler: FrameScheduler = {
    request(cb) {
      queue.push(cb);
      return () => {
        const i = queue.indexOf(cb);
        if (i >= 0) queue.splice(i, 1);
      };
    },
  };
  return {
    scheduler,
    get pending() {
      return queue.length;
    },
    frame() {
      const due = queue.splice(0);
      for (const cb of due) cb();
    },
  };
}

function recorder() {
  const commits: { state: CockpitState; isSnapshot: boolean }[] = [];
  return { commits, commit: (state: CockpitState, isSnapshot: boolean) => void commits.push({ state, isSnapshot }) };
}

describe('StateFeed', () => {
  it('commits a burst of patches once per frame, with every patch applied', () => {
    const frames = manualFrames();
    const rec = recorder();
    const feed = new StateFeed(rec.commit, frames.scheduler);
    feed.snapshot(cockpitState({ seq: 10 }));
    for (let i = 1; i <= 50; i++) {
      feed.patch({ seq: 10 + i, quotes: { AAPL: quote('AAPL', 100 + i) } });
    }
    feed.patch({ seq: 61, riskEvents: [riskEvent(1, 5)] });
    expect(rec.commits).toHaveLength(0);
    expect(frames.pending).toBe(1);

    frames.frame();
    expect(rec.commits).toHaveLength(1);
    const committed = rec.commits[0]!;
    expect(committed.isSnapshot).toBe(true);
    expect(committed.state.seq).toBe(61);
    expect(committed.state.quotes.AAPL?.last).toBe(150);
    expect(committed.state.riskEvents).toHaveLength(1);

    frames.frame();
    expect(rec.commits).toHaveLength(1); // nothing new, nothing committed
  });

  it('drops patches before the first snapshot and stale or duplicate ones', () => {
    const frames = manualFrames();
    const rec = recorder();
    const feed = new StateFeed(rec.commit, frames.scheduler);
    expect(feed.patch({ seq: 5, mode: 'OFF' })).toBe(false);
    feed.snapshot(cockpitState({ seq: 10, mode: 'DRY_RUN' }));
    expect(feed.patch({ seq: 10, mode: 'OFF' })).toBe(false);
    expect(feed.patch({ seq: 9, mode: 'OFF' })).toBe(false);
    expect(feed.patch({ seq: 11, mode: 'REAL' })).toBe(true);
    frames.frame();
    expect(rec.commits.at(-1)?.state.mode).toBe('REAL');
  });

  it('marks later patch-only commits as not snapshots and lets a new snapshot replace state', () => {
    const frames = manualFrames();
    const rec = recorder();
    const feed = new StateFeed(rec.commit, frames.scheduler);
    feed.snapshot(cockpitState({ seq: 100, mode: 'REAL' }));
    frames.frame();
    feed.patch({ seq: 101, mode: 'OFF' });
    frames.frame();
    expect(rec.commits.map((c) => c.isSnapshot)).toEqual([true, false]);

    // Engine restarted: a lower seq in a snapshot still replaces everything.
    feed.snapshot(cockpitState({ seq: 1, mode: 'DRY_RUN' }));
    frames.frame();
    expect(rec.commits.at(-1)).toMatchObject({ isSnapshot: true, state: { seq: 1, mode: 'DRY_RUN' } });
  });

  it('keeps identity of slices a patch did not touch', () => {
    const frames = manualFrames();
    const rec = recorder();
    const feed = new StateFeed(rec.commit, frames.scheduler);
    const first = cockpitState({ seq: 1 });
    feed.snapshot(first);
    frames.frame();
    feed.patch({ seq: 2, mode: 'OFF' });
    frames.frame();
    const second = rec.commits.at(-1)!.state;
    expect(second.positions).toBe(first.positions);
    expect(second.greeks).toBe(first.greeks);
    expect(second.quotes).toBe(first.quotes);
  });

  it('flush commits immediately and cancels the scheduled frame', () => {
    const frames = manualFrames();
    const rec = recorder();
    const feed = new StateFeed(rec.commit, frames.scheduler);
    feed.snapshot(cockpitState({ seq: 1 }));
    feed.flush();
    expect(rec.commits).toHaveLength(1);
    expect(frames.pending).toBe(0);
  });
});

describe('StateFeed with a synchronous scheduler', () => {
  it('commits every message when the scheduler runs callbacks immediately', () => {
    const rec = recorder();
    const feed = new StateFeed(rec.commit, { request: (cb) => (cb(), () => {}) });
    feed.snapshot(cockpitState({ seq: 1 }));
    feed.patch({ seq: 2, mode: 'OFF' });
    feed.patch({ seq: 3, mode: 'REAL' });
    expect(rec.commits.map((c) => c.state.mode)).toEqual(['DRY_RUN', 'OFF', 'REAL']);
  });
});
