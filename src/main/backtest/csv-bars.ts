// Reads OHLCV bar files: `Date[,Time],Open,High,Low,Close[,Adj Close],Volume[,OpenInterest]`,
// columns found by header name. Prices are used as they are: `Adj Close` is kept when loading a
// series but never replaces Close. Every malformed row is refused with its file and line.
// Parsing works on bytes in fixed-size chunks (no per-row strings), so a file streams in
// constant memory and fast enough for the simulator's hot loop.
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { formatBarTime } from '../../shared/backtest.js';
import { BarSeries, DAY_MS, daysFromCivil, type BarBlock, type BarSource } from './bars.js';

export class BarFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'BarFileError';
  }
}

type Role = 'date' | 'time' | 'open' | 'high' | 'low' | 'close' | 'adjClose' | 'volume' | 'openInterest';

const HEADER_NAMES: Record<string, Role> = {
  date: 'date',
  time: 'time',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  'adj close': 'adjClose',
  adjclose: 'adjClose',
  adj_close: 'adjClose',
  volume: 'volume',
  openinterest: 'openInterest',
  'open interest': 'openInterest',
  open_interest: 'openInterest',
};
const REQUIRED: readonly Role[] = ['date', 'open', 'high', 'low', 'close', 'volume'];
const FORMAT = 'Date[,Time],Open,High,Low,Close[,Adj Close],Volume[,OpenInterest]';

const ROLE_LABEL: Record<Role, string> = {
  date: 'Date',
  time: 'Time',
  open: 'Open',
  high: 'High',
  low: 'Low',
  close: 'Close',
  adjClose: 'Adj Close',
  volume: 'Volume',
  openInterest: 'OpenInterest',
};

export interface BarFileLayout {
  columns: number;
  roles: Role[];
  hasTime: boolean;
  hasAdjClose: boolean;
  hasOpenInterest: boolean;
}

export function parseHeader(text: string, file: string): BarFileLayout {
  const names = text.split(',').map((n) => n.trim());
  const roles: Role[] = [];
  const seen = new Set<Role>();
  for (const name of names) {
    const role = HEADER_NAMES[name.toLowerCase()];
    if (!role) throw new BarFileError(file, 1, `unknown column "${name}"; expected ${FORMAT}`);
    if (seen.has(role)) throw new BarFileError(file, 1, `column "${name}" appears twice`);
    seen.add(role);
    roles.push(role);
  }
  const missing = REQUIRED.filter((r) => !seen.has(r));
  if (missing.length) {
    throw new BarFileError(file, 1, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((r) => ROLE_LABEL[r]).join(', ')}; expected ${FORMAT}`);
  }
  return { columns: roles.length, roles, hasTime: seen.has('time'), hasAdjClose: seen.has('adjClose'), hasOpenInterest: seen.has('openInterest') };
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const CHUNK = 1 << 20;
const COMMA = 44;
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/** One parsed row, reused for every line. */
interface Row {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
  openInterest: number;
}

/**
 * Parses a decimal number in buf[start, end). Up to 15 significant digits the integer mantissa
 * and the power of ten are exact doubles, so one division rounds correctly; longer or exotic
 * forms go through Number(). Returns NaN when the text is not a number.
 */
function parseNumber(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === 45 || buf[i] === 43)) {
    negative = buf[i] === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let sawDot = false;
  let sawDigit = false;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      sawDigit = true;
      if (mantissa !== 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      if (sawDot) fraction++;
    } else if (c === 46 && !sawDot) {
      sawDot = true;
    } else {
      return slowNumber(buf, start, end);
    }
  }
  if (!sawDigit) return Number.NaN;
  if (digits > 15 || fraction > 22) return slowNumber(buf, start, end);
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

function slowNumber(buf: Buffer, start: number, end: number): number {
  const text = buf.toString('latin1', start, end);
  // Number('') is 0 and Number('0x10') is 16: only plain decimal or exponent forms count.
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

function digit(buf: Buffer, i: number): number {
  const c = buf[i]! - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` → ms at 00:00 (as UTC), or NaN. */
function parseDate(buf: Buffer, start: number, end: number): number {
  if (end - start !== 10 || buf[start + 4] !== 45 || buf[start + 7] !== 45) return Number.NaN;
  const y = digit(buf, start) * 1000 + digit(buf, start + 1) * 100 + digit(buf, start + 2) * 10 + digit(buf, start + 3);
  const m = digit(buf, start + 5) * 10 + digit(buf, start + 6);
  const d = digit(buf, start + 8) * 10 + digit(buf, start + 9);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1]!) return Number.NaN;
  if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return Number.NaN;
  return daysFromCivil(y, m, d) * DAY_MS;
}

/** `HH:MM:SS` or `HH:MM` → ms since midnight, or NaN. */
function parseTime(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if ((len !== 8 && len !== 5) || buf[start + 2] !== 58 || (len === 8 && buf[start + 5] !== 58)) return Number.NaN;
  const h = digit(buf, start) * 10 + digit(buf, start + 1);
  const mi = digit(buf, start + 3) * 10 + digit(buf, start + 4);
  const s = len === 8 ? digit(buf, start + 6) * 10 + digit(buf, start + 7) : 0;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return Number.NaN;
  return ((h * 60 + mi) * 60 + s) * 1000;
}

/** Streams a bar file: the header is read (and checked) on construction, rows block by block. */
export class BarFileReader implements BarSource {
  readonly symbol: string;
  readonly layout: BarFileLayout;
  readonly intraday: boolean;
  readonly size = null;
  private readonly headerBytes: number;
  private readonly blockSize: number;

  constructor(
    readonly path: string,
    options: { symbol?: string; blockSize?: number } = {},
  ) {
    this.symbol = options.symbol ?? symbolFromPath(path);
    this.blockSize = options.blockSize ?? 8_192;
    const { text, bytes } = readHeader(path);
    this.layout = parseHeader(text, path);
    this.headerBytes = bytes;
    this.intraday = this.layout.hasTime;
  }

  *blocks(): Iterable<BarBlock> {
    const n = this.blockSize;
    const block: BarBlock = {
      length: 0,
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
    for (const row of this.rows()) {
      const i = block.length++;
      block.time[i] = row.time;
      block.open[i] = row.open;
      block.high[i] = row.high;
      block.low[i] = row.low;
      block.close[i] = row.close;
      block.volume[i] = row.volume;
      if (block.length === n) {
        yield block;
        block.length = 0;
      }
    }
    if (block.length > 0) yield block;
  }

  /** Every row, validated; the yielded object is reused. */
  *rows(): Generator<Row> {
    const { path, layout } = this;
    const roles = layout.roles;
    const columns = layout.columns;
    const starts = new Int32Array(columns);
    const ends = new Int32Array(columns);
    const row: Row = { time: 0, open: 0, high: 0, low: 0, close: 0, adjClose: Number.NaN, volume: 0, openInterest: Number.NaN };
    const buf = Buffer.allocUnsafe(CHUNK);
    const fd = openSync(path, 'r');
    let lineNo = 1;
    let prevTime = Number.NEGATIVE_INFINITY;
    let filePos = this.headerBytes;
    let filled = 0;
    let eof = false;
    try {
      for (;;) {
        if (!eof && filled < CHUNK) {
          const got = readSync(fd, buf, filled, CHUNK - filled, filePos);
          filePos += got;
          filled += got;
          if (got === 0) eof = true;
        }
        let lineStart = 0;
        for (;;) {
          let nl = buf.indexOf(NL, lineStart);
          if (nl === -1 || nl >= filled) {
            if (!eof) break;
            if (lineStart >= filled) break;
            nl = filled; // last line without a newline
          }
          lineNo++;
          let end = nl;
          if (end > lineStart && buf[end - 1] === CR) end--;
          // Blank lines (e.g. a trailing one) are not rows.
          let blank = true;
          for (let k = lineStart; k < end; k++) {
            const c = buf[k];
            if (c !== SPACE && c !== TAB) {
              blank = false;
              break;
            }
          }
          if (!blank) {
            let field = 0;
            let fieldStart = lineStart;
            for (let k = lineStart; k <= end; k++) {
              if (k === end || buf[k] === COMMA) {
                if (field < columns) {
                  let s = fieldStart;
                  let e = k;
                  while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
                  while (e > s && (buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
                  starts[field] = s;
                  ends[field] = e;
                }
                field++;
                fieldStart = k + 1;
              }
            }
            if (field !== columns) throw new BarFileError(path, lineNo, `expected ${columns} fields, found ${field}`);
            let date = 0;
            let timeOfDay = 0;
            for (let c = 0; c < columns; c++) {
              const s = starts[c]!;
              const e = ends[c]!;
              const role = roles[c]!;
              if (role === 'date') {
                date = parseDate(buf, s, e);
                if (Number.isNaN(date)) throw new BarFileError(path, lineNo, `Date "${buf.toString('latin1', s, e)}" is not a valid YYYY-MM-DD date`);
              } else if (role === 'time') {
                timeOfDay = parseTime(buf, s, e);
                if (Number.isNaN(timeOfDay)) throw new BarFileError(path, lineNo, `Time "${buf.toString('latin1', s, e)}" is not a valid HH:MM:SS time`);
              } else {
                const value = parseNumber(buf, s, e);
                if (!Number.isFinite(value)) {
                  const text = buf.toString('latin1', s, e);
                  throw new BarFileError(path, lineNo, text === '' ? `${ROLE_LABEL[role]} is empty` : `${ROLE_LABEL[role]} "${text}" is not a number`);
                }
                row[role] = value;
              }
            }
            row.time = date + timeOfDay;
            checkRow(row, layout, path, lineNo, prevTime);
            prevTime = row.time;
            yield row;
          }
          lineStart = nl + 1;
          if (nl >= filled) break;
        }
        if (eof && lineStart >= filled) return;
        if (lineStart === 0 && filled === CHUNK) throw new BarFileError(path, lineNo + 1, `line longer than ${CHUNK} bytes`);
        buf.copyWithin(0, lineStart, filled);
        filled -= lineStart;
        if (eof && filled === 0) return;
      }
    } finally {
      closeSync(fd);
    }
  }
}

function checkRow(row: Row, layout: BarFileLayout, file: string, line: number, prevTime: number): void {
  const { open, high, low, close } = row;
  if (high < low) throw new BarFileError(file, line, `High ${high} is below Low ${low}`);
  if (open > high || open < low) throw new BarFileError(file, line, `Open ${open} is outside the bar's range ${low}–${high}`);
  if (close > high || close < low) throw new BarFileError(file, line, `Close ${close} is outside the bar's range ${low}–${high}`);
  if (row.volume < 0) throw new BarFileError(file, line, `Volume ${row.volume} is negative`);
  if (layout.hasOpenInterest && row.openInterest < 0) throw new BarFileError(file, line, `OpenInterest ${row.openInterest} is negative`);
  if (row.time <= prevTime) {
    throw new BarFileError(file, line, `bar ${formatBarTime(row.time, layout.hasTime)} is not after the previous bar (rows must be in time order, without duplicates)`);
  }
}

function fileError(path: string, error: unknown): BarFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? (error as Error).message})`;
  return new BarFileError(path, null, reason);
}

function readHeader(path: string): { text: string; bytes: number } {
  let fd: number;
  let got: number;
  const buf = Buffer.alloc(4_096);
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    got = readSync(fd, buf, 0, buf.length, 0);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    closeSync(fd);
  }
  if (got === 0) throw new BarFileError(path, null, `the file is empty; expected a header ${FORMAT}`);
  if (buf.subarray(0, got).includes(0)) throw new BarFileError(path, null, 'this is a binary file, not a CSV bar file');
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const nl = buf.subarray(0, got).indexOf(NL);
  if (nl === -1 && got === buf.length) throw new BarFileError(path, 1, 'the header line is too long; is this a bar file?');
  const end = nl === -1 ? got : nl;
  const text = buf.toString('utf8', start, end > start && buf[end - 1] === CR ? end - 1 : end);
  return { text, bytes: nl === -1 ? got : nl + 1 };
}

export function symbolFromPath(path: string): string {
  return basename(path, extname(path)).toUpperCase();
}

/** Loads a whole file into a series (keeping Adj Close and OpenInterest columns when present). */
export function loadBarFile(path: string, options: { symbol?: string } = {}): BarSeries {
  const reader = new BarFileReader(path, options);
  const series = new BarSeries(reader.symbol, reader.intraday, {
    adjClose: reader.layout.hasAdjClose,
    openInterest: reader.layout.hasOpenInterest,
  });
  for (const r of reader.rows()) series.push(r.time, r.open, r.high, r.low, r.close, r.volume, r.adjClose, r.openInterest);
  if (series.length === 0) throw new BarFileError(path, null, 'the file has a header but no bars');
  return series;
}
