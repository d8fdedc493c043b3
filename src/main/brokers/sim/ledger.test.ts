import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commissionFor, DEFAULT_COMMISSIONS, Ledger } from './ledger.js';

describe('Ledger.applyFill: average cost', () => {
  it('weights the average price by quantity when adding to a long', () => {
    const ledger = new Ledger(100_000);
    ledger.applyFill('AAPL', 'BUY', 100, 10, 1, 0);
    const effect = ledger.applyFill('AAPL', 'BUY', 50, 13, 1, 0);
    // (100 × 10 + 50 × 13) / 150 = 1650 / 150 = 11
    expect(effect.position).toEqual({ qty: 150, avgPrice: 11 });
    expect(effect.realized).toBe(0);
    expect(ledger.position('AAPL')).toEqual({ qty: 150, avgPrice: 11 });
    expect(ledger.cash).toBe(100_000 - 1650);
    expect(ledger.realizedPnl).toBe(0);
  });

  it('weights the average price when adding to a short', () => {
    const ledger = new Ledger(0);
    ledger.applyFill('X', 'SELL', 30, 20, 1, 0);
    ledger.applyFill('X', 'SELL', 10, 24, 1, 0);
    // (30 × 20 + 10 × 24) / 40 = 840 / 40 = 21
    expect(ledger.position('X')).toEqual({ qty: -40, avgPrice: 21 });
    expect(ledger.cash).toBe(840); // short sale proceeds
  });
});

describe('Ledger.applyFill: realised P&L', () => {
  it('realises (price − avg) × qty when reducing a long, keeping the average', () => {
    const ledger = new Ledger(10_000, 0, [['AAPL', { qty: 150, avgPrice: 11 }]]);
    const effect = ledger.applyFill('AAPL', 'SELL', 60, 12.5, 1, 0);
    // (12.5 − 11) × 60 = 90
    expect(effect.realized).toBeCloseTo(90, 12);
    expect(effect.position).toEqual({ qty: 90, avgPrice: 11 });
    expect(ledger.realizedPnl).toBeCloseTo(90, 12);
    expect(ledger.cash).toBeCloseTo(10_000 + 750, 9);
  });

  it('realises (avg − price) × qty when reducing a short', () => {
    const ledger = new Ledger(10_000, 0, [['X', { qty: -100, avgPrice: 20 }]]);
    const effect = ledger.applyFill('X', 'BUY', 40, 18, 1, 0);
    // Short at 20, bought back at 18: (20 − 18) × 40 = +80
    expect(effect.realized).toBe(80);
    expect(effect.position).toEqual({ qty: -60, avgPrice: 20 });
    // A losing cover: bought back at 23 → (20 − 23) × 60 = −180
    const loss = ledger.applyFill('X', 'BUY', 60, 23, 1, 0);
    expect(loss.realized).toBe(-180);
    expect(loss.position).toEqual({ qty: 0, avgPrice: 0 });
    expect(ledger.realizedPnl).toBe(-100);
    expect(ledger.cash).toBe(10_000 - 720 - 1380);
  });

  it('removes a position that goes flat', () => {
    const ledger = new Ledger(0, 0, [['X', { qty: 10, avgPrice: 5 }]]);
    ledger.applyFill('X', 'SELL', 10, 6, 1, 0);
    expect(ledger.positions.has('X')).toBe(false);
    expect(ledger.position('X')).toEqual({ qty: 0, avgPrice: 0 });
    expect(ledger.realizedPnl).toBe(10);
  });

  it('flips a long through zero: realises on the closed part, opens the rest at the fill price', () => {
    const ledger = new Ledger(0, 0, [['X', { qty: 100, avgPrice: 10 }]]);
    const effect = ledger.applyFill('X', 'SELL', 150, 12, 1, 0);
    // Closes 100: (12 − 10) × 100 = 200; the other 50 are a new short at 12.
    expect(effect.realized).toBe(200);
    expect(effect.position).toEqual({ qty: -50, avgPrice: 12 });
    expect(ledger.cash).toBe(1800);
  });

  it('flips a short through zero the same way', () => {
    const ledger = new Ledger(0, 0, [['X', { qty: -20, avgPrice: 50 }]]);
    const effect = ledger.applyFill('X', 'BUY', 50, 45, 1, 0);
    // Covers 20: (50 − 45) × 20 = 100; 30 long at 45.
    expect(effect.realized).toBe(100);
    expect(effect.position).toEqual({ qty: 30, avgPrice: 45 });
  });

  it('applies the option multiplier of 100 to cash and P&L but not to quantities or prices', () => {
    const ledger = new Ledger(10_000);
    ledger.applyFill('SPY261218C00670000', 'BUY', 2, 3.5, 100, 0);
    expect(ledger.cash).toBe(10_000 - 700);
    expect(ledger.position('SPY261218C00670000')).toEqual({ qty: 2, avgPrice: 3.5 });
    const effect = ledger.applyFill('SPY261218C00670000', 'SELL', 2, 4.25, 100, 0);
    // (4.25 − 3.5) × 2 × 100 = 150
    expect(effect.realized).toBe(150);
    expect(ledger.cash).toBe(10_000 + 150);
  });

  it('charges commission against cash and realised P&L (the fill effect reports P&L before commission)', () => {
    const ledger = new Ledger(1000);
    const open = ledger.applyFill('X', 'BUY', 10, 20, 1, 1.25);
    expect(open.realized).toBe(0);
    expect(ledger.cash).toBe(1000 - 200 - 1.25);
    expect(ledger.realizedPnl).toBe(-1.25);
    // The average cost does not include commission.
    expect(ledger.position('X').avgPrice).toBe(20);
    const close = ledger.applyFill('X', 'SELL', 10, 21, 1, 1.25);
    expect(close.realized).toBe(10);
    expect(ledger.realizedPnl).toBe(10 - 2.5);
    expect(ledger.cash).toBe(1000 + 10 - 2.5);
  });

  it('copies the positions it is constructed from', () => {
    const initial: [string, { qty: number; avgPrice: number }][] = [['X', { qty: 5, avgPrice: 1 }]];
    const ledger = new Ledger(0, 0, initial);
    ledger.applyFill('X', 'BUY', 5, 3, 1, 0);
    expect(initial[0]![1]).toEqual({ qty: 5, avgPrice: 1 });
    expect(ledger.position('X')).toEqual({ qty: 10, avgPrice: 2 });
  });
});

describe('Ledger.settle', () => {
  it('settles an expired long option at intrinsic value', () => {
    const ledger = new Ledger(0, 0, [['C', { qty: 3, avgPrice: 2 }]]);
    const effect = ledger.settle('C', 5, 100);
    // Cash 5 × 3 × 100 = 1500; P&L (5 − 2) × 3 × 100 = 900.
    expect(ledger.cash).toBe(1500);
    expect(effect.realized).toBe(900);
    expect(ledger.realizedPnl).toBe(900);
    expect(effect.position).toEqual({ qty: 0, avgPrice: 0 });
    expect(ledger.positions.has('C')).toBe(false);
  });

  it('settles a worthless long at a loss of its premium and a short at a gain of its premium', () => {
    const ledger = new Ledger(0, 0, [
      ['LONG', { qty: 4, avgPrice: 0.8 }],
      ['SHORT', { qty: -2, avgPrice: 1.5 }],
    ]);
    expect(ledger.settle('LONG', 0, 100).realized).toBeCloseTo(-320, 9);
    expect(ledger.settle('SHORT', 0, 100).realized).toBeCloseTo(300, 9);
    expect(ledger.cash).toBe(0);
    expect(ledger.positions.size).toBe(0);
  });

  it('charges a short in-the-money option its intrinsic value', () => {
    const ledger = new Ledger(10_000, 0, [['SC', { qty: -2, avgPrice: 1.5 }]]);
    const effect = ledger.settle('SC', 4, 100);
    // Pays 4 × 2 × 100 = 800; P&L (1.5 − 4) × 2 × 100 = −500.
    expect(ledger.cash).toBe(9200);
    expect(effect.realized).toBe(-500);
  });

  it('does nothing for a symbol without a position', () => {
    const ledger = new Ledger(500, 7);
    expect(ledger.settle('NONE', 3, 100).realized).toBe(0);
    expect(ledger.cash).toBe(500);
    expect(ledger.realizedPnl).toBe(7);
  });
});

describe('commissionFor (default schedule: $0.005/share, min $1, cap 1% of value; $0.65/contract, min $1)', () => {
  const c = DEFAULT_COMMISSIONS;

  it('charges per share above the minimum', () => {
    expect(commissionFor(c, false, 1000, 50, 1)).toBe(5); // 1000 × 0.005
    expect(commissionFor(c, false, 1234, 50, 1)).toBe(6.17); // 6.17
  });

  it('charges the $1 minimum on small stock orders', () => {
    expect(commissionFor(c, false, 100, 50, 1)).toBe(1); // 0.50 → 1
    expect(commissionFor(c, false, 1, 500, 1)).toBe(1); // 0.005 → 1 (cap is $5)
  });

  it('caps the per-share charge at 1% of the trade value', () => {
    // 10,000 × 0.005 = $50, but 1% of 10,000 × $0.20 = $20.
    expect(commissionFor(c, false, 10_000, 0.2, 1)).toBe(20);
    // 500 × 0.005 = $2.50; 1% of $150 = $1.50.
    expect(commissionFor(c, false, 500, 0.3, 1)).toBe(1.5);
  });

  it('never lets the cap go below the minimum', () => {
    // 100 × 0.005 = $0.50 → $1 minimum; 1% of $50 = $0.50 cap, but the minimum stands.
    expect(commissionFor(c, false, 100, 0.5, 1)).toBe(1);
  });

  it('charges per contract for options with a $1 minimum', () => {
    expect(commissionFor(c, true, 1, 3.5, 100)).toBe(1); // 0.65 → 1
    expect(commissionFor(c, true, 3, 3.5, 100)).toBe(1.95);
    expect(commissionFor(c, true, 10, 0.05, 100)).toBe(6.5); // no value cap on options
  });

  it('rounds to cents', () => {
    const fine = { ...c, perShare: 0.0035 };
    expect(commissionFor(fine, false, 1001, 100, 1)).toBe(3.5); // 3.5035 → 3.50
  });
});

describe('Ledger: accounting identities (property)', () => {
  const fillArb = fc.record({
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    qty: fc.integer({ min: 1, max: 500 }),
    // Prices on a cent grid, like real fills.
    cents: fc.integer({ min: 1, max: 100_000 }),
    commission: fc.integer({ min: 0, max: 500 }).map((c) => c / 100),
  });

  it('conserves cash: cash + Σ qty × avg × multiplier − initial cash = realised P&L after every fill; flat ⇒ cash − initial = realised', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(1, 100), fc.integer({ min: 0, max: 1_000_000 }), (fills, multiplier, initialCash) => {
        const ledger = new Ledger(initialCash);
        let scale = initialCash + 1;
        const check = () => {
          const p = ledger.position('S');
          const lhs = ledger.cash + p.qty * p.avgPrice * multiplier - initialCash;
          expect(Math.abs(lhs - ledger.realizedPnl)).toBeLessThanOrEqual(1e-6 * scale);
        };
        for (const f of fills) {
          const price = f.cents / 100;
          scale += f.qty * price * multiplier;
          ledger.applyFill('S', f.side, f.qty, price, multiplier, f.commission);
          check();
        }
        // Close out whatever is left, then the book is flat.
        const left = ledger.position('S').qty;
        if (left !== 0) {
          const price = fills[0]!.cents / 100;
          scale += Math.abs(left) * price * multiplier;
          ledger.applyFill('S', left > 0 ? 'SELL' : 'BUY', Math.abs(left), price, multiplier, 1);
          check();
        }
        expect(ledger.positions.size).toBe(0);
        expect(Math.abs(ledger.cash - initialCash - ledger.realizedPnl)).toBeLessThanOrEqual(1e-6 * scale);
      }),
      { numRuns: 300 },
    );
  });

  it('realised P&L on a round trip equals Σ sells − Σ buys − commissions, whatever the order of fills', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 30 }), (fills) => {
        const ledger = new Ledger(0);
        let flows = 0; // independent tally: money in from sells, out for buys and commissions
        for (const f of fills) {
          const price = f.cents / 100;
          ledger.applyFill('S', f.side, f.qty, price, 1, f.commission);
          flows += (f.side === 'SELL' ? 1 : -1) * f.qty * price - f.commission;
        }
        const left = ledger.position('S').qty;
        if (left !== 0) {
          ledger.applyFill('S', left > 0 ? 'SELL' : 'BUY', Math.abs(left), 10, 1, 0);
          flows += left * 10;
        }
        expect(ledger.realizedPnl).toBeCloseTo(flows, 6);
      }),
      { numRuns: 300 },
    );
  });
});
