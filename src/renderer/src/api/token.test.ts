import { describe, expect, it } from 'vitest';
import { forgetSessionToken, reopenUrl, resolveSessionToken, TOKEN_STORAGE_KEY, urlWithoutToken, webSocketUrl, type TokenStorage } from './token.js';

function memoryStorage(initial: Record<string, string> = {}): TokenStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('session token', () => {
  it('takes the token from the URL and remembers it for reloads', () => {
    const storage = memoryStorage();
    expect(resolveSessionToken('?token=abc123', storage)).toBe('abc123');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(resolveSessionToken('', storage)).toBe('abc123');
  });

  it('lets a new URL token replace a remembered one', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'old' });
    expect(resolveSessionToken('?x=1&token=new', storage)).toBe('new');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('returns null when there is no token anywhere (or it is blank)', () => {
    expect(resolveSessionToken('', memoryStorage())).toBeNull();
    expect(resolveSessionToken('?token=%20', memoryStorage())).toBeNull();
    expect(resolveSessionToken('', null)).toBeNull();
  });

  it('still works when storage throws (disabled storage)', () => {
    const broken: TokenStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(resolveSessionToken('?token=t', broken)).toBe('t');
    expect(resolveSessionToken('', broken)).toBeNull();
    expect(() => forgetSessionToken(broken)).not.toThrow();
  });

  it('forgets a rejected token', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'bad' });
    forgetSessionToken(storage);
    expect(resolveSessionToken('', storage)).toBeNull();
  });

  it('strips only the token from the address', () => {
    expect(urlWithoutToken('http://127.0.0.1:4000/?token=abc&view=x')).toBe('http://127.0.0.1:4000/?view=x');
    expect(urlWithoutToken('http://127.0.0.1:4000/?token=abc')).toBe('http://127.0.0.1:4000/');
    expect(urlWithoutToken('http://127.0.0.1:4000/')).toBe('http://127.0.0.1:4000/');
  });

  it('builds the socket URL on the serving host, escaping the token', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a b+c')).toBe('ws://127.0.0.1:4000/api?token=a%20b%2Bc');
    expect(webSocketUrl({ protocol: 'https:', host: 'box:443' }, 't')).toBe('wss://box:443/api?token=t');
  });
});

describe('reopening after the engine restarted with a new token', () => {
  const page = { origin: 'http://127.0.0.1:7717', pathname: '/' };

  it('opens the pasted URL when it is this machine\'s, on whatever port the engine now serves', () => {
    expect(reopenUrl(' http://127.0.0.1:7717/?token=NEW-tok_1 ', page)).toBe('http://127.0.0.1:7717/?token=NEW-tok_1');
    expect(reopenUrl('http://localhost:7800/?token=abc', page)).toBe('http://localhost:7800/?token=abc');
  });

  it('uses a pasted token alone with this page\'s address', () => {
    expect(reopenUrl('NEW-tok_1', page)).toBe('http://127.0.0.1:7717/?token=NEW-tok_1');
  });

  it('opens nothing for another host, a URL without a token, or text that is not a token', () => {
    expect(reopenUrl('http://attacker.example:7717/?token=abc', page)).toBeNull();
    expect(reopenUrl('http://127.0.0.1:7717/', page)).toBeNull();
    expect(reopenUrl('javascript:alert(1)', page)).toBeNull();
    expect(reopenUrl('two words', page)).toBeNull();
    expect(reopenUrl('   ', page)).toBeNull();
  });
});
