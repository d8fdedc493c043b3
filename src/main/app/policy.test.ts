import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isAppPageUrl,
  isSafeExternalUrl,
  nextRestartDelay,
  parseEngineMessage,
  type AppPage,
} from './policy.js';

const filePage: AppPage = { kind: 'file', url: 'file:///opt/Deltadeck/resources/app.asar/out/renderer/index.html' };

describe('isAppPageUrl', () => {
  it('accepts the cockpit page with any hash or query', () => {
    expect(isAppPageUrl(filePage.url, filePage)).toBe(true);
    expect(isAppPageUrl(`${filePage.url}#/risk`, filePage)).toBe(true);
    expect(isAppPageUrl(`${filePage.url}?panel=greeks`, filePage)).toBe(true);
  });

  it('rejects other local files, remote pages and garbage', () => {
    expect(isAppPageUrl('file:///etc/passwd', filePage)).toBe(false);
    expect(isAppPageUrl('file:///opt/Deltadeck/resources/app.asar/out/renderer/other.html', filePage)).toBe(false);
    expect(isAppPageUrl('https://example.com/', filePage)).toBe(false);
    expect(isAppPageUrl('not a url', filePage)).toBe(false);
  });

  it('compares Windows paths case-insensitively only on Windows', () => {
    const windowsPage: AppPage = { kind: 'file', url: 'file:///C:/Program%20Files/Deltadeck/out/renderer/index.html' };
    const lowerDrive = 'file:///c:/Program%20Files/Deltadeck/out/renderer/index.html';
    expect(isAppPageUrl(lowerDrive, windowsPage, 'win32')).toBe(true);
    expect(isAppPageUrl(lowerDrive, windowsPage, 'linux')).toBe(false);
  });

  it('matches the dev server by origin', () => {
    const devPage: AppPage = { kind: 'dev', url: 'http://localhost:5173/' };
    expect(isAppPageUrl('http://localhost:5173/#/orders', devPage)).toBe(true);
    expect(isAppPageUrl('http://localhost:5174/', devPage)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows plain https only', () => {
    expect(isSafeExternalUrl('https://www.cboe.com/')).toBe(true);
    expect(isSafeExternalUrl('http://example.com/')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('smb://host/share')).toBe(false);
    expect(isSafeExternalUrl('https://user:pass@example.com/')).toBe(false);
    expect(isSafeExternalUrl('')).toBe(false);
  });
});

describe('content security policy', () => {
  it('is strict in production', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('opens only what the dev server needs in development', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
  });
});

describe('parseEngineMessage', () => {
  it('accepts ready and fatal reports', () => {
    expect(parseEngineMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseEngineMessage({ type: 'fatal', code: 'DB_CORRUPT', message: 'The database is damaged.' })).toEqual({
      type: 'fatal',
      code: 'DB_CORRUPT',
      message: 'The database is damaged.',
    });
  });

  it('ignores anything else', () => {
    expect(parseEngineMessage(null)).toBeNull();
    expect(parseEngineMessage('ready')).toBeNull();
    expect(parseEngineMessage({ type: 'fatal', code: 7 })).toBeNull();
    expect(parseEngineMessage({ type: 'port' })).toBeNull();
  });
});

describe('nextRestartDelay', () => {
  const policy = { delaysMs: [500, 2_000, 5_000], windowMs: 60_000 };

  it('backs off and gives up after the budget within the window', () => {
    const now = 1_000_000;
    expect(nextRestartDelay([now], now, policy)).toBe(500);
    expect(nextRestartDelay([now - 2_000, now], now, policy)).toBe(2_000);
    expect(nextRestartDelay([now - 9_000, now - 2_000, now], now, policy)).toBe(5_000);
    expect(nextRestartDelay([now - 20_000, now - 9_000, now - 2_000, now], now, policy)).toBeNull();
  });

  it('forgets crashes older than the window', () => {
    const now = 1_000_000;
    expect(nextRestartDelay([now - 120_000, now - 90_000, now - 70_000, now], now, policy)).toBe(500);
  });
});
