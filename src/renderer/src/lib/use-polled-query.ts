// A read the panel polls while it is mounted and the window is visible: one request at a time,
// a refresh right after parameters change, and answers to outdated parameters dropped.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiError, Result } from '../../../shared/api/result.js';
import { createPoller } from './async.js';

export interface PolledQuery<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** Wall-clock ms of the last answer. */
  updatedAt: number | null;
  refresh(): void;
}

const documentVisible = () => typeof document === 'undefined' || document.visibilityState === 'visible';

/** `paramsKey` names the parameters `fetcher` uses now; a new key refreshes at once. */
export function usePolledQuery<T>(fetcher: () => Promise<Result<T>>, intervalMs: number, paramsKey: string): PolledQuery<T> {
  const [state, setState] = useState<Omit<PolledQuery<T>, 'refresh'>>({ data: null, error: null, loading: false, updatedAt: null });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const keyRef = useRef(paramsKey);
  keyRef.current = paramsKey;

  const poller = useMemo(
    () =>
      createPoller({
        intervalMs,
        isVisible: documentVisible,
        run: async () => {
          const key = keyRef.current;
          setState((s) => ({ ...s, loading: true }));
          const result = await fetcherRef.current();
          if (key !== keyRef.current) return; // parameters changed meanwhile: the queued run answers
          setState((s) =>
            result.ok
              ? { data: result.value, error: null, loading: false, updatedAt: Date.now() }
              : { ...s, error: result.error, loading: false, updatedAt: Date.now() },
          );
        },
      }),
    [intervalMs],
  );

  useEffect(() => {
    poller.start();
    const onVisibility = () => {
      if (documentVisible()) poller.refresh();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      poller.stop();
    };
  }, [poller]);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    poller.refresh();
  }, [paramsKey, poller]);

  const refresh = useCallback(() => poller.refresh(), [poller]);
  return { ...state, refresh };
}
