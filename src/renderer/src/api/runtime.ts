// Wires the renderer at start-up: picks the transport (desktop MessagePort when the preload
// exposed window.deltadeck, else the headless WebSocket with the session token), connects
// the state stream to the store through a per-frame StateFeed. Commands go through `call.ts`.
import type { DeltadeckBridge } from '../../../shared/api/bridge.js';
import { cockpitStore } from '../stores/app-store.js';
import { commitCockpitState, setConnection } from '../stores/cockpit-store.js';
import { StateFeed, animationFrameScheduler } from '../stores/state-feed.js';
import { EngineConnection } from './connection.js';
import { DesktopPortSource } from './port-channel.js';
import { forgetSessionToken, resolveSessionToken, urlWithoutToken, webSocketUrl } from './token.js';
import { openWebSocketChannel } from './websocket-channel.js';

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

let connection: EngineConnection | null = null;

/** Starts the engine connection once; later calls are no-ops. */
export function startRuntime(): void {
  if (connection || cockpitStore.getState().connection.phase === 'no-token') return;
  connection = openConnection();
}

function openConnection(): EngineConnection | null {
  const feed = new StateFeed(
    (state, isSnapshot) => commitCockpitState(cockpitStore, state, isSnapshot, Date.now()),
    animationFrameScheduler(),
  );
  const bridge = (window as Window & { deltadeck?: DeltadeckBridge }).deltadeck;

  if (bridge) {
    const ports = new DesktopPortSource(bridge, window);
    const connection = new EngineConnection({
      store: cockpitStore,
      feed,
      transport: 'desktop',
      open: () => ports.open(),
    });
    connection.start();
    return connection;
  }

  const storage = sessionStore();
  const token = resolveSessionToken(window.location.search, storage);
  // Keep the token out of the address bar (screenshots, screen shares); the tab remembers it.
  const cleanUrl = urlWithoutToken(window.location.href);
  if (cleanUrl !== window.location.href) window.history.replaceState(window.history.state, '', cleanUrl);
  if (!token) {
    setConnection(cockpitStore, { phase: 'no-token', transport: 'websocket' });
    return null;
  }
  const url = webSocketUrl(window.location, token);
  const connection = new EngineConnection({
    store: cockpitStore,
    feed,
    transport: 'websocket',
    open: () => openWebSocketChannel(url),
    onTokenRejected: () => forgetSessionToken(storage),
  });
  connection.start();
  return connection;
}

/** The live engine client, or null while disconnected — for `call.ts` only: everything else calls `callEngine`. */
export const engineClient = () => connection?.currentClient ?? null;
