import { describe, expect, it } from 'vitest';
import type { ConnectionPhase } from '../stores/cockpit-store.js';
import { engineLinkView } from './engine-link.js';

describe('engine link', () => {
  it('says disconnected at once when the engine is lost, and that the controls are off', () => {
    const view = engineLinkView({ phase: 'reconnecting', attempt: 0 });
    expect(view).toMatchObject({ label: 'Disconnected — reconnecting…', tone: 'down' });
    expect(view.title).toMatch(/kill switch are off/);
    expect(engineLinkView({ phase: 'reconnecting', attempt: 3 }).title).toContain('3 attempts so far');
  });

  it('is live only when connected', () => {
    const phases: ConnectionPhase[] = ['connecting', 'live', 'reconnecting', 'no-token', 'token-rejected', 'engine-restarted'];
    expect(phases.filter((phase) => engineLinkView({ phase, attempt: 0 }).tone === 'live')).toEqual(['live']);
  });
});
