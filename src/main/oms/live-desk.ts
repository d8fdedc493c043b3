// A live order desk: the journal (SQLite), the order manager, a live venue over a broker
// connection and its reconciliation, composed for one broker account. The engine routes REAL
// orders through one of these; the fault-injection test runs one in a child process and kills it.
import { randomBytes } from 'node:crypto';
import type { Instrument, Order, OrderIntent, Ticket } from '../../shared/domain.js';
import type { BrokerConnection } from '../brokers/venue.js';
import type { Db } from '../store/database.js';
import { Repository } from '../store/repository.js';
import { VenueRepository } from '../store/venue-repository.js';
import { journalHooks, LiveVenue } from './live-venue.js';
import { OrderManager, type OmsHooks } from './oms.js';
import type { RateRule } from './rate-limiter.js';
import { VenueSync } from './venue-sync.js';

export interface LiveDeskOptions {
  db: Db;
  /** The journal's account row for this broker account (created when missing). */
  journalAccountId: string;
  connection: BrokerConnection;
  brokerAccountId: string;
  venueId: string;
  name: string;
  limits: { place?: RateRule; cancel?: RateRule };
  now?: () => number;
  /** The risk gate (default: the desk does not judge — callers put the gate in front). */
  check?: OmsHooks['check'];
  bookFill?: OmsHooks['bookFill'];
  riskEvent?: OmsHooks['riskEvent'];
  orderChanged?: (order: Order) => void;
  rateLimitedRetryMs?: number;
}

export class LiveDesk {
  readonly repo: Repository;
  readonly venueRepo: VenueRepository;
  readonly oms: OrderManager;
  readonly venue: LiveVenue;
  readonly sync: VenueSync;
  private counter = 0;

  constructor(private readonly options: LiveDeskOptions) {
    const now = options.now ?? Date.now;
    this.repo = new Repository(options.db);
    this.venueRepo = new VenueRepository(options.db);
    if (!this.repo.getAccount(options.journalAccountId)) {
      this.repo.insertAccount({ id: options.journalAccountId, currency: 'USD', cash: 0, realizedPnl: 0, sessionDate: '1970-01-01', startOfDayNav: 0, createdAt: now() });
    }
    const riskEvent: OmsHooks['riskEvent'] = (severity, code, message, symbol) => {
      this.repo.insertRiskEvent({ ts: now(), severity, code, message, symbol });
      options.riskEvent?.(severity, code, message, symbol);
    };
    this.oms = new OrderManager(this.repo, options.journalAccountId, {
      now,
      wallNow: now,
      newId: (prefix) => this.newId(prefix),
      mode: () => 'REAL',
      context: () => ({ mode: 'REAL', venue: options.venueId, accountId: options.journalAccountId }),
      venue: () => this.venue,
      venueById: (id) => (id === this.venue.id ? this.venue : undefined),
      check: options.check ?? (() => ({ checks: [{ check: 'desk', level: 'green', code: 'NOT_JUDGED', message: 'The desk itself does not judge orders.' }], estNotional: 0, whatIf: null, price: null })),
      recordArrival: () => undefined,
      bookFill: options.bookFill ?? (() => undefined),
      ticketChanged: () => undefined,
      orderChanged: (order) => options.orderChanged?.(order),
      fillBooked: () => undefined,
      riskEvent,
    });
    this.venue = new LiveVenue({
      id: options.venueId,
      name: options.name,
      connection: options.connection,
      accountId: options.brokerAccountId,
      limits: options.limits,
      rateLimitedRetryMs: options.rateLimitedRetryMs,
      hooks: journalHooks({
        venueId: options.venueId,
        repo: this.repo,
        venueRepo: this.venueRepo,
        now,
        riskEvent,
        requestReconcile: () => void this.sync.request(),
      }),
    });
    this.oms.attach(this.venue);
    this.sync = new VenueSync({
      venueId: options.venueId,
      name: options.name,
      accountId: options.brokerAccountId,
      connection: options.connection,
      venue: this.venue,
      oms: this.oms,
      venueRepo: this.venueRepo,
      now,
      riskEvent,
    });
  }

  /** Makes sure the journal knows the instrument (orders reference it). */
  ensureInstrument(instrument: Instrument): void {
    this.repo.upsertInstrument(instrument);
  }

  /** A ticket for the intent, then approved by the user: the two-step review (two durable commits), then sent. */
  submit(intent: OrderIntent, reason = 'desk'): { ticket: Ticket; order: Order } {
    const ticket = this.oms.createTicket(intent, 'manual', reason);
    return this.oms.approveTicket(ticket.id, ticket.contentHash);
  }

  /**
   * An intent approved by a policy (a delegated strategy): ticket, approval and submission in one
   * durable commit, then sent. `policy` is the approver, e.g. `policy:my-strategy`.
   */
  submitByPolicy(intent: OrderIntent, policy: string, reason = 'desk', source: Ticket['source'] = 'strategy'): { ticket: Ticket; order: Order } {
    return this.oms.submitByPolicy(intent, source, reason, policy);
  }

  close(): void {
    this.venue.close();
  }

  private newId(prefix: string): string {
    this.counter = (this.counter + 1) % 1_000_000;
    return `${prefix}-${Date.now().toString(36)}${this.counter.toString(36).padStart(3, '0')}${randomBytes(3).toString('hex')}`;
  }
}
