// What the header and the money controls say about the link to the engine. Pure, so the words
// are tested without a browser: the header names the state at once; every control that would
// send an order or change the mode is off while the engine cannot be reached, and says why.
import type { ConnectionInfo } from '../stores/cockpit-store.js';

export type EngineLinkTone = 'live' | 'waiting' | 'down';

export interface EngineLinkView {
  label: string;
  tone: EngineLinkTone;
  /** Hover text: what it means for the trader. */
  title: string;
}

/** Why a money control is off while the engine is unreachable. */
export const ENGINE_UNREACHABLE =
  'Cannot reach the engine — reconnecting. Nothing can be sent from this cockpit until it is back.';

/** What the kill switch says when it cannot reach the engine (it stays visible, disabled). */
export const KILL_SWITCH_UNREACHABLE =
  'Cannot reach the engine, so the kill switch cannot work from here until the cockpit reconnects. ' +
  "Orders already at a broker keep working there: cancel them in the broker's own app if you must act now.";

export function engineLinkView(connection: Pick<ConnectionInfo, 'phase' | 'attempt'>): EngineLinkView {
  switch (connection.phase) {
    case 'live':
      return { label: 'Live', tone: 'live', title: 'Connected to the engine.' };
    case 'connecting':
      return { label: 'Connecting…', tone: 'waiting', title: 'Connecting to the engine.' };
    case 'reconnecting':
      return {
        label: 'Disconnected — reconnecting…',
        tone: 'down',
        title:
          `Lost the connection to the engine${connection.attempt > 0 ? ` (${connection.attempt} attempt${connection.attempt === 1 ? '' : 's'} so far)` : ''}. ` +
          'Figures are stale and orders, approvals, the mode and the kill switch are off until it is back.',
      };
    case 'no-token':
    case 'token-rejected':
    case 'engine-restarted':
      return { label: 'Not connected', tone: 'down', title: 'This cockpit needs the session token of the running engine.' };
  }
}
