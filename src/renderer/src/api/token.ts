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

/** Names the headless server answers to (it binds 127.0.0.1 and refuses other Host headers). */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

/**
 * Where to go with what the trader pasted after the engine restarted with a new token: the URL
 * `deltadeck serve` printed (on this machine, any port) or only its token, which is then used with
 * this page's own address. Null when it is neither, so nothing is opened.
 */
export function reopenUrl(input: string, page: { origin: string; pathname: string }): string | null {
  const text = input.trim();
  if (!text) return null;
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return null;
    }
    const token = url.searchParams.get('token')?.trim();
    if (!token || !LOOPBACK_HOSTS.includes(url.hostname.toLowerCase())) return null;
    return `${url.origin}/?token=${encodeURIComponent(token)}`;
  }
  // A bare token: printed tokens are base64url; anything else is more likely a mis-paste.
  if (!/^[\w.~-]+$/.test(text)) return null;
  return `${page.origin}${page.pathname}?token=${encodeURIComponent(text)}`;
}
