// The headless cockpit's session token: read from the page URL once, kept in sessionStorage
// so a reload (or the token being stripped from the address bar) still works.
export const TOKEN_STORAGE_KEY = 'deltadeck.sessionToken';

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The token for this tab: the URL's `?token=` wins (a freshly printed URL replaces an old
 * session), else the one remembered for this tab, else null.
 */
export function resolveSessionToken(search: string, storage: TokenStorage | null): string | null {
  const fromUrl = new URLSearchParams(search).get('token')?.trim();
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // storage can be disabled; the token still works for this page load
    }
    return fromUrl;
  }
  try {
    const stored = storage?.getItem(TOKEN_STORAGE_KEY)?.trim();
    return stored ? stored : null;
  } catch {
    return null;
  }
}

/** Forget a token the server rejected, so a reload does not retry it. */
export function forgetSessionToken(storage: TokenStorage | null): void {
  try {
    storage?.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // nothing to forget
  }
}

/** The page URL without `token`, for history.replaceState (keeps it out of the address bar). */
export function urlWithoutToken(href: string): string {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return href;
  url.searchParams.delete('token');
  return url.toString();
}

/** The engine's WebSocket endpoint on the host that served this page. */
export function webSocketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}
