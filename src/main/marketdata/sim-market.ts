// The simulated market: correlated geometric Brownian motion with occasional jumps for a set of
// underlyings, and option quotes around a Black-Scholes price from a volatility smile.
// Every step advances a fixed slice of trading time, so a seed replays the same path.
import type { Instrument, Quote } from '../../shared/domain.js';
import { priceByStyle } from '../pricing/index.js';
import { Rng, type RngState } from './rng.js';

export interface UnderlyingSpec {
  symbol: string;
  kind: 'STOCK' | 'ETF';
  price: number;
  /** Annualised volatility over trading time. */
  vol: number;
  /** Annualised drift. */
  drift: number;
  /** Loading on the common market factor, 0..1. */
  marketLoading: number;
  dividendYield: number;
  /** Jumps per trading hour, and their log-size standard deviation. */
  jumpsPerHour: number;
  jumpStd: number;
}

export interface SimMarketState {
  rng: RngState;
  prices: Record<string, number>;
  prevCloses: Record<string, number>;
}

export const TRADING_YEAR_MS = 252 * 6.5 * 3_600_000;
export const CALENDAR_YEAR_MS = 365 * 86_400_000;

const round2 = (x: number) => Math.round(x * 100) / 100;

export class SimMarket {
  readonly rate: number;
  private readonly rng: Rng;
  private readonly specs = new Map<string, UnderlyingSpec>();
  private readonly prices = new Map<string, number>();
  private readonly prevCloses = new Map<string, number>();
  private readonly quotes = new Map<string, Quote>();
  private readonly optionsByUnderlying = new Map<string, Map<string, Instrument & { expiryTs: number }>>();

  constructor(options: { underlyings: readonly UnderlyingSpec[]; seed: number; rate?: number; state?: SimMarketState }) {
    this.rate = options.rate ?? 0.04;
    this.rng = new Rng(options.state?.rng ?? options.seed);
    for (const spec of options.underlyings) {
      this.specs.set(spec.symbol, spec);
      const price = options.state?.prices[spec.symbol] ?? spec.price;
      this.prices.set(spec.symbol, price);
      this.prevCloses.set(spec.symbol, options.state?.prevCloses[spec.symbol] ?? price);
    }
  }

  get underlyings(): UnderlyingSpec[] {
    return [...this.specs.values()];
  }

  hasUnderlying(symbol: string): boolean {
    return this.specs.has(symbol);
  }

  dividendYield(underlying: string): number {
    return this.specs.get(underlying)?.dividendYield ?? 0;
  }

  spot(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  quote(symbol: string): Quote | undefined {
    return this.quotes.get(symbol);
  }

  /** Starts quoting an option contract. `expiryTs` is the instant it stops trading. */
  listOption(instrument: Instrument, expiryTs: number): void {
    if (instrument.kind !== 'OPTION' || !this.specs.has(instrument.underlying)) return;
    let set = this.optionsByUnderlying.get(instrument.underlying);
    if (!set) {
      set = new Map();
      this.optionsByUnderlying.set(instrument.underlying, set);
    }
    set.set(instrument.symbol, { ...instrument, expiryTs });
  }

  delistOption(symbol: string): void {
    for (const set of this.optionsByUnderlying.values()) set.delete(symbol);
    this.quotes.delete(symbol);
  }

  /** Implied volatility of the smile: higher for low strikes and short expiries. */
  impliedVol(underlying: string, strike: number, yearsToExpiry: number): number {
    const spec = this.specs.get(underlying);
    const spot = this.prices.get(underlying);
    if (!spec || spot === undefined) return 0.3;
    const t = Math.max(yearsToExpiry, 1 / 365);
    const atm = spec.vol * (1 + 0.12 * Math.exp(-t * 24));
    const m = Math.log(strike / spot) / (atm * Math.sqrt(t));
    const iv = atm * (1 - 0.08 * m + 0.025 * m * m);
    return Math.min(Math.max(iv, 0.05), 3);
  }

  /** Quotes everything at the current prices without moving them (start-up, session roll). */
  quoteAll(now: number): Quote[] {
    const out: Quote[] = [];
    for (const symbol of this.specs.keys()) out.push(...this.requote(symbol, now));
    return out;
  }

  /** Advances every underlying by `dtMs` of trading time and re-quotes it and its options. */
  step(now: number, dtMs: number): Quote[] {
    const dt = dtMs / TRADING_YEAR_MS;
    const sqrtDt = Math.sqrt(dt);
    const marketShock = this.rng.normal();
    const out: Quote[] = [];
    for (const spec of this.specs.values()) {
      const price = this.prices.get(spec.symbol)!;
      const loading = spec.marketLoading;
      const shock = loading * marketShock + Math.sqrt(1 - loading * loading) * this.rng.normal();
      let logReturn = (spec.drift - 0.5 * spec.vol * spec.vol) * dt + spec.vol * sqrtDt * shock;
      const jumpProbability = spec.jumpsPerHour * (dtMs / 3_600_000);
      if (this.rng.next() < jumpProbability) logReturn += spec.jumpStd * this.rng.normal();
      this.prices.set(spec.symbol, Math.max(0.01, price * Math.exp(logReturn)));
      out.push(...this.requote(spec.symbol, now));
    }
    return out;
  }

  /** Starts a new session: today's last becomes the previous close, for options too. */
  rollSession(): void {
    for (const [symbol, price] of this.prices) this.prevCloses.set(symbol, round2(price));
    for (const [symbol, quote] of this.quotes) {
      if (!this.specs.has(symbol)) this.quotes.set(symbol, { ...quote, prevClose: quote.last });
    }
  }

  get state(): SimMarketState {
    return {
      rng: this.rng.state,
      prices: Object.fromEntries(this.prices),
      prevCloses: Object.fromEntries(this.prevCloses),
    };
  }

  /**
   * A quote for a contract of the chain that is not listed (the hedge planner's candidates): priced
   * from the smile like a listed one, with a fixed displayed size and without touching the random
   * stream, so planning never changes the simulated market's path.
   */
  chainQuote(instrument: Instrument, expiryTs: number, now: number): Quote | undefined {
    const spec = this.specs.get(instrument.underlying);
    const price = this.prices.get(instrument.underlying);
    if (!spec || price === undefined || instrument.kind !== 'OPTION') return undefined;
    const years = (expiryTs - now) / CALENDAR_YEAR_MS;
    if (!(years > 0)) return undefined;
    const iv = this.impliedVol(instrument.underlying, instrument.strike!, years);
    const mid = priceByStyle(instrument, price, iv, years, this.rate, spec.dividendYield).price;
    const half = Math.max(0.01, round2(mid * 0.015));
    return {
      symbol: instrument.symbol,
      bid: Math.max(0, round2(mid - half)),
      ask: Math.max(0.01, round2(mid + half)),
      last: round2(Math.max(mid, 0)),
      bidSize: 50,
      askSize: 50,
      prevClose: round2(mid),
      iv,
      ts: now,
    };
  }

  /** Quotes one underlying and its listed options at current prices (e.g. after listing a contract). */
  requote(underlying: string, now: number): Quote[] {
    const spec = this.specs.get(underlying)!;
    const price = this.prices.get(underlying)!;
    const last = round2(price);
    const halfSpread = Math.max(0.01, round2(price * 0.00005));
    const stockQuote: Quote = {
      symbol: underlying,
      bid: round2(last - halfSpread),
      ask: round2(last + halfSpread),
      last,
      bidSize: 100 * this.rng.int(1, 30),
      askSize: 100 * this.rng.int(1, 30),
      prevClose: this.prevCloses.get(underlying)!,
      ts: now,
    };
    this.quotes.set(underlying, stockQuote);
    const out = [stockQuote];
    const options = this.optionsByUnderlying.get(underlying);
    if (!options) return out;
    for (const option of options.values()) {
      const years = (option.expiryTs - now) / CALENDAR_YEAR_MS;
      const strike = option.strike!;
      const iv = this.impliedVol(underlying, strike, years);
      // Quoted with the contract's own exercise style, so marks and the risk engine's model agree.
      const model = priceByStyle(option, price, iv, Math.max(years, 0), this.rate, spec.dividendYield);
      const mid = model.price;
      const half = Math.max(0.01, round2(mid * 0.015));
      const bid = Math.max(0, round2(mid - half));
      const ask = Math.max(0.01, round2(mid + half));
      const previous = this.quotes.get(option.symbol);
      const quote: Quote = {
        symbol: option.symbol,
        bid,
        ask,
        last: round2(Math.max(mid, 0)),
        bidSize: this.rng.int(5, 200),
        askSize: this.rng.int(5, 200),
        prevClose: previous?.prevClose ?? round2(mid),
        iv,
        ts: now,
      };
      this.quotes.set(option.symbol, quote);
      out.push(quote);
    }
    return out;
  }
}
