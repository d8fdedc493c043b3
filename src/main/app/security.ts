// Locks down what web content can do: CSP on every response, no permissions, no navigation away
// from the cockpit page, no new windows or webviews (https links go to the system browser), and
// the IPC sender check every handler uses.
import { shell, type BrowserWindow, type IpcMainEvent, type Session, type WebContents } from 'electron';
import { isAppPageUrl, isSafeExternalUrl, type AppPage } from './policy.js';

export function hardenSession(session: Session, contentSecurityPolicy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    responseHeaders['Content-Security-Policy'] = [contentSecurityPolicy];
    callback({ responseHeaders });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Applied to every WebContents the app creates (see app 'web-contents-created'). */
export function guardWebContents(contents: WebContents, page: AppPage): void {
  const blockUnlessAppPage = (event: { preventDefault(): void }, url: string, what: string): void => {
    if (isAppPageUrl(url, page)) return;
    event.preventDefault();
    console.warn(`[shell] blocked ${what} to ${url}`);
  };
  contents.on('will-navigate', (event) => blockUnlessAppPage(event, event.url, 'navigation'));
  contents.on('will-redirect', (event) => blockUnlessAppPage(event, event.url, 'redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    else console.warn(`[shell] refused to open ${url}`);
    return { action: 'deny' };
  });
}

/** An IPC message is trusted only from the main window's top frame showing the cockpit page. */
export function isTrustedSender(event: IpcMainEvent, window: BrowserWindow | null, page: AppPage): boolean {
  if (!window || window.isDestroyed() || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  const top = window.webContents.mainFrame;
  if (!frame || frame.parent !== null) return false;
  if (frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
  return isAppPageUrl(frame.url, page);
}
