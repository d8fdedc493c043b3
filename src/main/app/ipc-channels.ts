// IPC channel names shared by the shell and the preload (pure constants: the preload bundles this).
/** Renderer → main: "give me a MessagePort to the engine". */
export const REQUEST_ENGINE_PORT_CHANNEL = 'deltadeck:request-engine-port';
/** Main → renderer: carries one MessagePort to the engine in `event.ports`. */
export const ENGINE_PORT_CHANNEL = 'deltadeck:engine-port';
/** Command-line switch carrying the app version to the sandboxed preload (which has no `app`). */
export const APP_VERSION_SWITCH = '--deltadeck-app-version=';
