// Reconciliation of one live venue, on start-up and after every reconnect: the broker's orders of
// the day, its fills and (when the caller keeps a mirror of the account) its positions are compared
// with the journal by client order id; every difference is applied to the journal and raised as a
// risk event (OrderManager.applyReconcile). Runs one at a time; a request during a run schedules
// one more run after it.
import { TERMINAL_ORDER_STATUSES } from '../../shared/domain.js';
import type { BrokerConnection } from '../brokers/venue.js';
import type { VenueRepository } from '../store/venue-repository.js';
import type { LiveVenue } from './live-venue.js';
import type { OrderManager } from './oms.js';
import { reconcile, type ReconcileAction } from './reconcile.js';

/** Journal orders updated within this window are compared with the broker's list of the day. */
const LOOKBACK_MS = 36 * 3_600_000;
const FINAL: ReadonlySet<string> = new Set(TERMINAL_ORDER_STATUSES);

export interface VenueSyncOptions {
  venueId: string;
  name: string;
  accountId: string;
  connection: BrokerConnection;
  venue: LiveVenue;
  oms: OrderManager;
  venueRepo: VenueRepository;
  now(): number;
  /** Positions the journal believes this account holds (signed); omit to skip the position check. */
  journalPositions?: () => ReadonlyMap<string, number>;
  riskEvent(severity: 'info' | 'warning' | 'critical', code: string, message: string, symbol: string | null): void;
}

export interface SyncResult {
  ok: boolean;
  actions: ReconcileAction[];
  error?: string;
}

export class VenueSync {
  private running: Promise<SyncResult> | null = null;
  /** The one run scheduled after the current one; every request during a run joins it. */
  private next: Promise<SyncResult> | null = null;

  constructor(private readonly options: VenueSyncOptions) {}

  /** Runs now, or once more after the run in progress. Resolves with the result of the run that covers this request. */
  request(): Promise<SyncResult> {
    if (this.running) {
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.request();
      });
      return this.next;
    }
    this.running = this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves once no run is in progress or scheduled. */
  async idle(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running);
  }

  private async runOnce(): Promise<SyncResult> {
    const { connection, accountId, venue, venueRepo, venueId, name, oms } = this.options;
    const startedAt = this.options.now();
    const pendingBefore = venue.pendingOrderIds();
    let result: SyncResult;
    try {
      const [orders, fills, positions] = await Promise.all([
        connection.todaysOrders(accountId),
        connection.fills(accountId),
        this.options.journalPositions ? connection.positions(accountId) : Promise.resolve([]),
      ]);
      // The journal as it is now (pushes may have moved it while we waited), minus orders whose
      // fate the broker's snapshot cannot know: still with us when it began or since, or created
      // after it began (sent, answered and journaled while the lists were being fetched).
      const pending = new Set([...pendingBefore, ...venue.pendingOrderIds()]);
      const journal = venueRepo.recentOrders(venueId, startedAt - LOOKBACK_MS).filter((o) => !pending.has(o.id) && o.createdAt < startedAt);
      const prefix = `${venueId}:`;
      const booked = new Set([...venueRepo.bookedFillIds(venueId)].map((id) => id.slice(prefix.length)));
      let actions = reconcile({
        journalOrders: journal,
        bookedFillIds: booked,
        journalPositions: this.options.journalPositions?.() ?? new Map(),
        brokerOpenOrders: orders.filter((o) => !FINAL.has(o.status)),
        brokerClosedOrders: orders.filter((o) => FINAL.has(o.status)),
        brokerFills: fills,
        brokerPositions: positions,
      });
      if (!this.options.journalPositions) actions = actions.filter((a) => a.kind !== 'position-mismatch');
      // Learn the broker's id of every journal order it holds (a lost reply leaves it unknown).
      const byClientId = new Map(orders.filter((o) => o.clientOrderId).map((o) => [o.clientOrderId!, o.brokerOrderId]));
      for (const o of journal) {
        const brokerOrderId = byClientId.get(o.clientOrderId);
        if (brokerOrderId && o.brokerOrderId !== brokerOrderId) venue.adopted(o.id, brokerOrderId);
      }
      oms.applyReconcile(venueId, actions);
      venue.resetTracking();
      result = { ok: true, actions };
    } catch (error) {
      const message = (error as Error).message;
      this.options.riskEvent('warning', 'RECONCILE_DEFERRED', `Could not reconcile with ${name} yet: ${message} It runs again after the next reconnect.`, null);
      result = { ok: false, actions: [], error: message };
    }
    return result;
  }
}
