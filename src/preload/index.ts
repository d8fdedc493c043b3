// Preload (sandboxed, built as CommonJS): exposes exactly one object, window.deltadeck, and forwards
// the engine MessagePort the shell sends into the page — ports cannot cross the context bridge, so
// it goes through window.postMessage. Raw ipcRenderer is never exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { PORT_MESSAGE_TYPE, type DeltadeckBridge } from '../shared/api/bridge.js';
import { APP_VERSION_SWITCH, ENGINE_PORT_CHANNEL, REQUEST_ENGINE_PORT_CHANNEL } from '../main/app/ipc-channels.js';

const versionArgument = process.argv.find((argument) => argument.startsWith(APP_VERSION_SWITCH));
const appVersion = versionArgument ? versionArgument.slice(APP_VERSION_SWITCH.length) : 'unknown';

ipcRenderer.on(ENGINE_PORT_CHANNEL, (event) => {
  if (event.ports.length !== 1) return;
  window.postMessage({ type: PORT_MESSAGE_TYPE }, '*', [...event.ports]);
});

const bridge = {
  platform: 'desktop',
  appVersion,
  requestEnginePort(): void {
    ipcRenderer.send(REQUEST_ENGINE_PORT_CHANNEL);
  },
} as const satisfies DeltadeckBridge;

contextBridge.exposeInMainWorld('deltadeck', bridge);
