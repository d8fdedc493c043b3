import { describe, expect, it } from 'vitest';
import type { VenueFill, VenueOrder } from '../brokers/venue.js';
import { reconcile, type JournalOrder, type ReconcileInput } from './reconcile.js';

const jo = (over: Partial<JournalOrder> = {}): JournalOrder => ({ id: 'O1', clientOrderId: 'DD1', symbol: 'AAPL', side: 'BUY', qty: 100, status: 'submitted', filledQty: 0, ...over });
const vo = (over: Partial<VenueOrder> = {}): VenueOrder => ({
  brokerOrderId: 'B1',
  clientOrderId: 'DD1',
  symbol: 'AAPL',
  side: 'BUY',
  qty: 100,
  filledQty: 0,
  avgFillPrice: 0,
  orderType: 'LIMIT',
  limitPrice: 200,
  stopPrice: null,
  tif: 'DAY',
  status: 'accepted',
  updatedTs: 0,
  ...over,
});
const vf = (over: Partial<VenueFill> = {}): VenueFill => ({ fillId: 'F1', brokerOrderId: 'B1', clientOrderId: 'DD1', symbol: 'AAPL', side: 'BUY', qty: 100, price: 200, commission: 1, ts: 0, ...over });
const input = (over: Partial<ReconcileInput> = {}): ReconcileInput => ({
  journalOrders: [],
  bookedFillIds: new Set(),
  journalPositions: new Map(),
  brokerOpenOrders: [],
  brokerClosedOrders: [],
  brokerFills: [],
  brokerPositions: [],
  ...over,
});

describe('reconcile', () => {
  it('journal and broker agree: nothing to do', () => {
    expect(reconcile(input({ journalOrders: [jo({ status: 'accepted' })], brokerOpenOrders: [vo()] }))).toEqual([]);
  });

  it('adopts an order the broker accepted while the reply was lost — it is not placed again', () => {
    const actions = reconcile(input({ journalOrders: [jo()], brokerOpenOrders: [vo()] }));
    expect(actions).toEqual([expect.objectContaining({ kind: 'adopt-status', orderId: 'O1', from: 'submitted', to: 'accepted', brokerOrderId: 'B1' })]);
  });

  it('books fills missed during a disconnect and adopts the filled status; positions then agree', () => {
    const actions = reconcile(
      input({
        journalOrders: [jo({ status: 'accepted' })],
        brokerClosedOrders: [vo({ status: 'filled', filledQty: 100, avgFillPrice: 200 })],
        brokerFills: [vf()],
        brokerPositions: [{ symbol: 'AAPL', qty: 100, avgCost: 200 }],
      }),
    );
    expect(actions.map((a) => a.kind)).toEqual(['book-fill', 'adopt-status']);
  });

  it('never books a fill twice', () => {
    const actions = reconcile(input({ journalOrders: [jo({ status: 'filled', filledQty: 100 })], bookedFillIds: new Set(['F1']), brokerFills: [vf()], journalPositions: new Map([['AAPL', 100]]), brokerPositions: [{ symbol: 'AAPL', qty: 100, avgCost: 200 }] }));
    expect(actions).toEqual([]);
  });

  it('closes an order the broker never received, without re-sending it', () => {
    const actions = reconcile(input({ journalOrders: [jo()] }));
    expect(actions).toEqual([expect.objectContaining({ kind: 'close-missing', orderId: 'O1', reason: expect.stringMatching(/nothing was re-sent/) })]);
  });

  it('flags working orders placed outside Deltadeck and position differences', () => {
    const actions = reconcile(input({ brokerOpenOrders: [vo({ clientOrderId: null, brokerOrderId: 'X9' })], brokerPositions: [{ symbol: 'NVDA', qty: 50, avgCost: 180 }] }));
    expect(actions.map((a) => a.kind)).toEqual(['unknown-broker-order', 'position-mismatch']);
    expect(actions[1]).toMatchObject({ symbol: 'NVDA', journalQty: 0, brokerQty: 50 });
  });

  it('never moves an order backwards (a stale "accepted" after our "filled")', () => {
    expect(reconcile(input({ journalOrders: [jo({ status: 'filled', filledQty: 100 })], brokerOpenOrders: [vo({ status: 'accepted' })] }))).toEqual([]);
  });
});
