// Pure decisions of the Electron shell — which URLs are ours, which links may open outside,
// the Content-Security-Policy, and when a crashed engine is restarted — kept free of electron
// so they are unit-tested in plain Node.
import type { EngineToShellMessage } from '../engine/utility-entry.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Dev server only (electron-vite dev): Vite's HMR needs its websocket and React refresh an inline preamble. */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const { host } = new URL(devServerUrl);
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ws://${host}`,
  );
}

/** Where the cockpit page lives: the built file, or the dev server's origin. */
export type AppPage = { kind: 'file'; url: string } | { kind: 'dev'; url: string };

/**
 * True when `url` is the cockpit page itself (any query or hash). A file page must be exactly our
 * index.html — not just any file:// URL; a dev page must share the dev server's origin.
 */
export function isAppPageUrl(url: string, page: AppPage, platform: NodeJS.Platform = process.platform): boolean {
  let candidate: URL;
  let expected: URL;
  try {
    candidate = new URL(url);
    expected = new URL(page.url);
  } catch {
    return false;
  }
  if (page.kind === 'dev') return candidate.origin === expected.origin;
  if (candidate.protocol !== 'file:' || candidate.host !== expected.host) return false;
  const same = (a: string, b: string): boolean => (platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b);
  return same(decodeURIComponent(candidate.pathname), decodeURIComponent(expected.pathname));
}

/** Links the shell may hand to the system browser: plain https without embedded credentials. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** Validates what the engine process posts to the shell; anything else is ignored. */
export function parseEngineMessage(data: unknown): EngineToShellMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.type === 'ready') return { type: 'ready' };
  if (message.type === 'fatal' && typeof message.code === 'string' && typeof message.message === 'string') {
    return { type: 'fatal', code: message.code.slice(0, 64), message: message.message.slice(0, 2000) };
  }
  return null;
}

export interface RestartPolicy {
  /** Delay before the 1st, 2nd, … restart inside the window; its length is the restart budget. */
  delaysMs: readonly number[];
  /** Crashes older than this no longer count against the budget. */
  windowMs: number;
}

export const ENGINE_RESTART_POLICY: RestartPolicy = { delaysMs: [500, 2_000, 5_000], windowMs: 60_000 };

/**
 * Given the times of recent crashes (including the one that just happened), returns how long to
 * wait before restarting the engine, or null once the budget within the window is spent.
 */
export function nextRestartDelay(crashTimes: readonly number[], now: number, policy: RestartPolicy = ENGINE_RESTART_POLICY): number | null {
  const recent = crashTimes.filter((time) => now - time < policy.windowMs).length;
  if (recent === 0) return policy.delaysMs[0] ?? null;
  return policy.delaysMs[recent - 1] ?? null;
}
