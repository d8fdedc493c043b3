import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../engine/testing.js';
import { projectRoot } from '../paths.js';
import { BarFileError, BarFileReader, loadBarFile } from './csv-bars.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = makeTempDir('deltadeck-bars-');
afterAll(() => tmp.remove());

let n = 0;
function write(text: string): string {
  const file = join(tmp.dir, `bars-${n++}.csv`);
  writeFileSync(file, text);
  return file;
}

/** The plain way to read the file: split lines, Number() each field. */
function naiveRows(file: string): number[][] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return lines.map((line) => {
    const f = line.split(',');
    const date = Date.parse(`${f[0]}T${cols[1] === 'Time' ? f[1] : '00:00:00'}Z`);
    return [date, ...f.slice(cols[1] === 'Time' ? 2 : 1).map(Number)];
  });
}

describe('bar files', () => {
  it('loads daily bars with Adj Close kept beside Close, never in its place', () => {
    const file = join(FIXTURES, 'orcl-2014.csv');
    const series = loadBarFile(file);
    const rows = naiveRows(file); // Date, Open, High, Low, Close, Adj Close, Volume
    expect(series.length).toBe(rows.length);
    expect(series.length).toBe(252);
    expect(series.intraday).toBe(false);
    expect(series.symbol).toBe('ORCL-2014');
    for (let i = 0; i < rows.length; i++) {
      const [t, o, h, l, c, adj, v] = rows[i]!;
      expect([series.time[i], series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]]).toEqual([t, o, h, l, c, v]);
      expect(series.adjClose![i]).toBe(adj);
    }
    // The file's adjusted close differs from its close: using it would be visible here.
    expect(series.close[0]).not.toBe(series.adjClose![0]);
    expect(new Date(series.time[0]!).toISOString().slice(0, 10)).toBe('2014-01-02');
  });

  it('loads intraday bars with their time of day', () => {
    const file = join(FIXTURES, 'index-2006-5min.csv');
    const series = loadBarFile(file);
    const rows = naiveRows(file); // Date+Time, Open, High, Low, Close, Volume, OpenInterest
    expect(series.intraday).toBe(true);
    expect(series.length).toBe(rows.length);
    expect(new Date(series.time[0]!).toISOString()).toBe('2006-01-02T09:05:00.000Z');
    for (let i = 0; i < rows.length; i++) {
      expect([series.time[i], series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i], series.openInterest![i]]).toEqual(rows[i]);
    }
  });

  it('streams a file larger than its read buffer in blocks, identical to the plain reading', () => {
    const lines = ['Date,Open,High,Low,Close,Volume'];
    let day = Date.UTC(1990, 0, 1);
    let price = 100;
    for (let i = 0; i < 30_000; i++) {
      price = Math.round(price * (1 + Math.sin(i) * 0.01) * 1_000_000) / 1_000_000;
      const iso = new Date(day).toISOString().slice(0, 10);
      lines.push(`${iso},${price},${(price * 1.01).toFixed(6)},${(price * 0.99).toFixed(6)},${price},${1000 + i}`);
      day += 86_400_000;
    }
    const file = write(`${lines.join('\r\n')}\r\n`);
    expect(readFileSync(file).length).toBeGreaterThan(1 << 20);
    const reader = new BarFileReader(file, { blockSize: 1_000 });
    const got: number[][] = [];
    let blocks = 0;
    for (const b of reader.blocks()) {
      blocks++;
      for (let i = 0; i < b.length; i++) got.push([b.time[i]!, b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!]);
    }
    expect(blocks).toBe(30);
    expect(got).toEqual(naiveRows(file));
  });

  it('accepts a BOM, CRLF line ends, spaces around fields, any header case and trailing blank lines', () => {
    const file = write('\uFEFFdate, open ,HIGH,Low,Close,Volume\r\n2020-01-02, 10.5 ,11,10,10.75,100\r\n\r\n  \r\n');
    const series = loadBarFile(file);
    expect(series.length).toBe(1);
    expect([series.open[0], series.close[0]]).toEqual([10.5, 10.75]);
  });

  it('reads long decimals exactly as Number() does', () => {
    const values = ['0.1', '1.953125', '20.370001', '123456789.123456789', '1e3', '0.30000000000000004'];
    const body = values.map((v, i) => `2020-01-${String(i + 1).padStart(2, '0')},${v},${v},${v},${v},0`).join('\n');
    const series = loadBarFile(write(`Date,Open,High,Low,Close,Volume\n${body}\n`));
    expect(Array.from(series.open.subarray(0, series.length))).toEqual(values.map(Number));
  });

  const malformed: [string, string, RegExp][] = [
    ['a missing column', 'Date,Open,High,Low,Volume\n', /:1: missing column Close/],
    ['an unknown column', 'Date,Open,High,Low,Close,Volume,Foo\n', /:1: unknown column "Foo"/],
    ['a short row', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,1,2,1,1.5\n', /:3: expected 6 fields, found 5/],
    ['an impossible date', 'Date,Open,High,Low,Close,Volume\n2021-02-29,1,2,1,1.5,10\n', /:2: Date "2021-02-29" is not a valid YYYY-MM-DD date/],
    ['a US-style date', 'Date,Open,High,Low,Close,Volume\n01/02/2020,1,2,1,1.5,10\n', /:2: Date "01\/02\/2020"/],
    ['a bad time', 'Date,Time,Open,High,Low,Close,Volume\n2020-01-02,25:00:00,1,2,1,1.5,10\n', /:2: Time "25:00:00"/],
    ['a null price', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,10\n2020-01-03,null,null,null,null,0\n', /:3: Open "null" is not a number/],
    ['an empty price', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,,1.5,10\n', /:2: Low is empty/],
    ['a hex number', 'Date,Open,High,Low,Close,Volume\n2020-01-02,0x10,20,1,15,10\n', /:2: Open "0x10" is not a number/],
    ['High below Low', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,2,1.5,10\n', /:2: High 1 is below Low 2/],
    ['Close outside the range', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,2.5,10\n', /:2: Close 2.5 is outside/],
    ['a negative volume', 'Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,1,1.5,-10\n', /:2: Volume -10 is negative/],
    ['rows out of order', 'Date,Open,High,Low,Close,Volume\n2020-01-03,1,2,1,1.5,10\n2020-01-02,1,2,1,1.5,10\n', /:3: bar 2020-01-02 is not after the previous bar/],
    ['a duplicate bar', 'Date,Time,Open,High,Low,Close,Volume\n2020-01-02,09:30:00,1,2,1,1.5,10\n2020-01-02,09:30:00,1,2,1,1.5,10\n', /:3: bar 2020-01-02 09:30:00 is not after/],
    ['an empty file', '', /the file is empty/],
    ['a header without bars', 'Date,Open,High,Low,Close,Volume\n', /has a header but no bars/],
    ['a binary file', 'Date,Open\u0000\u0001', /binary file/],
  ];

  it.each(malformed)('refuses %s with the file and line', (_what, text, message) => {
    const file = write(text);
    let error: unknown;
    try {
      loadBarFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BarFileError);
    expect((error as Error).message.startsWith(file)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('says so when the file does not exist', () => {
    expect(() => loadBarFile(join(tmp.dir, 'nope.csv'))).toThrow(/nope\.csv: no such file/);
    expect(() => loadBarFile(tmp.dir)).toThrow(/is a folder/);
  });

  // The shared market data sits beside the repository (`../shared/data/market`) on the build
  // machines; a clean clone elsewhere runs the committed fixtures above instead.
  const shared = join(projectRoot(), '..', 'shared', 'data', 'market');
  const haveShared = existsSync(shared);
  if (!haveShared) console.log(`skipping the shared market data check: ${shared} is not there`);
  it.skipIf(!haveShared)('loads every file of the shared market data', () => {
    const files = readdirSync(shared).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const series = loadBarFile(join(shared, f));
      const lines = readFileSync(join(shared, f), 'utf8').trim().split('\n').length - 1;
      expect(series.length, f).toBe(lines);
    }
  });
});
