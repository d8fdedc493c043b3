// The backtest page's calls to the engine: through the live client, errors shown as toasts in
// the engine's words; a failed call returns null so the page keeps what it has.
import type { CommandName, CommandRequest, CommandResponse } from '../../../../shared/api/contract.js';
import { engineClient } from '../../api/runtime.js';
import { cockpitStore } from '../../stores/app-store.js';
import { pushToast } from '../../stores/toasts.js';

export async function callEngine<K extends CommandName>(cmd: K, req: CommandRequest<K>, timeoutMs = 15_000): Promise<CommandResponse<K> | null> {
  const client = engineClient();
  if (!client) {
    pushToast(cockpitStore, { kind: 'error', message: 'Not connected to the engine — wait for the reconnect and try again.', code: 'DISCONNECTED' });
    return null;
  }
  const result = await client.call(cmd, req, { timeoutMs });
  if (result.ok) return result.value;
  pushToast(cockpitStore, { kind: 'error', message: result.error.message, code: result.error.code });
  return null;
}

export function toast(kind: 'success' | 'info' | 'error', message: string): void {
  pushToast(cockpitStore, { kind, message });
}

/** Saves text as a file through the browser's download (CSV exports). */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
