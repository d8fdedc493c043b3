// Turns the engine's state stream into at most one store commit per animation frame.
// Patches are folded into a pending state outside React (applyPatch is pure and cheap);
// React only ever sees the latest state, so bursts never cost more than one render.
import type { CockpitState } from '../../../shared/domain.js';
import { applyPatch, type StatePatch } from '../../../shared/api/state.js';

export interface FrameScheduler {
  /** Runs `callback` once, soon (next frame); returns a cancel function. */
  request(callback: () => void): () => void;
}

/**
 * requestAnimationFrame, with a timer fallback: hidden windows get no frames, and the state
 * should still be current (and `data-ready` set) when they come back or are screenshotted.
 */
export function animationFrameScheduler(fallbackMs = 250): FrameScheduler {
  return {
    request(callback) {
      let done = false;
      const run = () => {
        if (done) return;
        done = true;
        cancelAnimationFrame(frame);
        clearTimeout(timer);
        callback();
      };
      const frame = requestAnimationFrame(run);
      const timer = setTimeout(run, fallbackMs);
      return () => {
        done = true;
        cancelAnimationFrame(frame);
        clearTimeout(timer);
      };
    },
  };
}

export type CommitFn = (state: CockpitState, isSnapshot: boolean) => void;

export class StateFeed {
  private committed: CockpitState | null = null;
  private pending: CockpitState | null = null;
  private pendingIsSnapshot = false;
  private cancelFrame: (() => void) | null = null;
  private frameRequested = false;

  constructor(
    private readonly commit: CommitFn,
    private readonly scheduler: FrameScheduler,
  ) {}

  /** The newest state known, committed or not. */
  get latest(): CockpitState | null {
    return this.pending ?? this.committed;
  }

  /** A full snapshot replaces everything, whatever its seq (the engine may have restarted). */
  snapshot(state: CockpitState): void {
    this.pending = state;
    this.pendingIsSnapshot = true;
    this.schedule();
  }

  /**
   * Applies a patch to the pending state. Patches before the first snapshot, or not newer
   * than what we have, are dropped.
   */
  patch(patch: StatePatch): boolean {
    const base = this.latest;
    if (!base || patch.seq <= base.seq) return false;
    this.pending = applyPatch(base, patch);
    this.schedule();
    return true;
  }

  /** Commits now whatever is pending. */
  flush(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.frameRequested = false;
    if (!this.pending) return;
    const next = this.pending;
    const isSnapshot = this.pendingIsSnapshot;
    this.pending = null;
    this.pendingIsSnapshot = false;
    this.committed = next;
    this.commit(next, isSnapshot);
  }

  private schedule(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    const cancel = this.scheduler.request(() => {
      this.frameRequested = false;
      this.cancelFrame = null;
      this.flush();
    });
    // A scheduler may run the callback synchronously; only keep a cancel for a frame still due.
    if (this.frameRequested) this.cancelFrame = cancel;
  }
}
