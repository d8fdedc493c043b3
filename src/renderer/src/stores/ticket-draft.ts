// The new-ticket form's values, kept outside the form so they survive a page switch and so the
// Risk page's scenario grid can price "book + the order being typed" from the same draft.
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createStore } from 'zustand/vanilla';
import type { OrderIntent } from '../../../shared/domain.js';
import { useCockpit } from './app-store.js';
import { knownSymbols } from './selectors.js';
import { EMPTY_TICKET_FORM, parseTicketForm, type TicketFormValues } from '../lib/ticket-form.js';

export const ticketDraftStore = createStore<TicketFormValues>()(() => EMPTY_TICKET_FORM);

export function useTicketDraft(): TicketFormValues {
  return useStore(ticketDraftStore);
}

export function updateTicketDraft(patch: Partial<TicketFormValues>): void {
  ticketDraftStore.setState(patch);
}

/** The draft as a valid intent, or null while it is incomplete or invalid. Stable while the draft is. */
export function useDraftIntent(): OrderIntent | null {
  const draft = useTicketDraft();
  const symbols = useCockpit(useShallow((s) => knownSymbols(s.cockpit)));
  return useMemo(() => {
    const parsed = parseTicketForm(draft, symbols);
    return parsed.ok ? parsed.intent : null;
  }, [draft, symbols]);
}
