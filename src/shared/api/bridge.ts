// The one object the desktop preload exposes as `window.deltadeck`.
// MessagePorts cannot cross the context bridge, so the preload forwards the engine's port
// to the page with window.postMessage({ type: PORT_MESSAGE_TYPE }, '*', [port]).
export const PORT_MESSAGE_TYPE = 'deltadeck:engine-port';

export interface DeltadeckBridge {
  readonly platform: 'desktop';
  readonly appVersion: string;
  /** Asks the shell for a fresh MessagePort to the engine; it arrives as a window message. */
  requestEnginePort(): void;
}
