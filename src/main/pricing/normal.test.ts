import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, erfcx, inverseNormCdf, normCdfPrecise } from './normal.js';
import { normCdf, normCdfAndDensityInPlace, normCdfInPlace, normPdf } from './black-scholes.js';

// References computed independently with mpmath at 40-60 significant digits (mpmath.erfc,
// exp(x²)·erfc(x), and a root of ncdf(z) = p), rounded to 17 digits.
const ERFC: [number, number][] = [
  [-3, 1.9999779095030014],
  [-0.5, 1.5204998778130465],
  [-0.1, 1.1124629160182849],
  [0, 1],
  [0.2, 7.7729741078952153e-1],
  [0.46875, 5.0738652678206201e-1],
  [0.5, 4.7950012218695346e-1],
  [1, 1.5729920705028513e-1],
  [2.5, 4.0695201744495894e-4],
  [4, 1.5417257900280019e-8],
  [4.5, 1.9661604415428875e-10],
  [8, 1.1224297172982927e-29],
  [15, 7.2129941724512067e-100],
  [26, 5.6631924088561428e-296],
];
const ERFCX: [number, number][] = [
  [-5, 1.4400979867466104e11],
  [-1, 5.0089800807622835],
  [-0.3, 1.4537492328427656],
  [0, 1],
  [0.3, 7.3459933456765515e-1],
  [1, 4.27583576155807e-1],
  [3.9, 1.4031418160068974e-1],
  [4.1, 1.3383411641865199e-1],
  [10, 5.6140992743822586e-2],
  [50, 1.1281536265323773e-2],
  [1e4, 5.6418958072680841e-5],
];
const INVERSE: [number, number][] = [
  [1e-300, -37.047096299361199],
  [1e-50, -14.933337534788489],
  [1e-10, -6.3613409024040562],
  [0.001, -3.0902323061678135],
  [0.02425, -1.9729610513118849],
  [0.3, -5.2440051270804078e-1],
  [0.5, 0],
  [0.7, 5.2440051270804078e-1],
  [0.975, 1.9599639845400542],
  [0.999999, 4.7534243088170878], // for the double nearest 0.999999
];

const relative = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a / b - 1));

describe('Cody erfc and erfcx', () => {
  it('match high-precision references to a few ulps, deep into the tail', () => {
    for (const [x, ref] of ERFC) expect(relative(erfc(x), ref), `erfc(${x})`).toBeLessThan(1e-15);
    for (const [x, ref] of ERFCX) expect(relative(erfcx(x), ref), `erfcx(${x})`).toBeLessThan(1e-15);
  });

  it('satisfy erfc(x) + erfc(−x) = 2 and erfcx(x) = e^{x²}·erfc(x)', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThan(4e-16);
        expect(relative(erfcx(x), Math.exp(x * x) * erfc(x))).toBeLessThan(1e-13);
      }),
    );
  });

  it('propagate NaN and saturate at the ends', () => {
    expect(erfc(Number.NaN)).toBeNaN();
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfcx(-30)).toBe(Infinity);
  });
});

describe('normal CDF', () => {
  it('the pricer’s normCdf keeps full relative accuracy in the lower tail (to z = −37)', () => {
    for (const [x, ref] of ERFC) {
      if (x <= 0) continue;
      // Φ(−x√2) = erfc(x)/2. Rounding z = −x·√2 to a double alone moves Φ(z) by about z²·ε.
      const z = -x * Math.SQRT2;
      const allowed = 1e-15 + 2 * z * z * Number.EPSILON;
      expect(relative(normCdf(z), ref / 2), `Φ(${z})`).toBeLessThan(allowed);
      expect(relative(normCdfPrecise(z), ref / 2)).toBeLessThan(allowed);
    }
  });

  it('agrees with the precise (split-exponential) version to 1e-14 relative on [−8, 8]', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        expect(relative(normCdf(z), normCdfPrecise(z))).toBeLessThan(1e-14);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normCdfInPlace (the book’s column form)', () => {
  it('gives exactly normCdf and normPdf, value by value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const values = Float64Array.from(xs);
        normCdfInPlace(values, 0, values.length);
        xs.forEach((x, i) => expect(values[i]).toBe(normCdf(x)));
        const again = Float64Array.from(xs);
        const density = new Float64Array(xs.length);
        normCdfAndDensityInPlace(again, density, 0, xs.length);
        xs.forEach((x, i) => {
          expect(again[i]).toBe(normCdf(x));
          expect(Math.abs(density[i]! - normPdf(x))).toBeLessThanOrEqual(4e-16 * (1 + x * x) * normPdf(x) + 1e-300);
        });
      }),
    );
  });

  it('agrees bit for bit on a dense sweep through every branch, incl. a value fast-check once found', () => {
    const xs = new Float64Array(200_001);
    for (let i = 0; i < xs.length; i++) xs[i] = -40 + (80 * i) / (xs.length - 1);
    xs[0] = -0.7011521694574544; // differed in the last bit when the column form associated e·num/den differently
    const values = Float64Array.from(xs);
    normCdfInPlace(values, 0, values.length);
    let mismatches = 0;
    for (let i = 0; i < xs.length; i++) if (!Object.is(values[i], normCdf(xs[i]!))) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('keeps NaN as NaN', () => {
    const values = Float64Array.from([Number.NaN, 0]);
    normCdfInPlace(values, 0, 2);
    expect(values[0]).toBeNaN();
    expect(values[1]).toBe(0.5);
  });
});

describe('inverse normal CDF (AS 241)', () => {
  it('matches references from 1e-300 to 1 − 1e-6', () => {
    for (const [p, ref] of INVERSE) expect(relative(inverseNormCdf(p), ref), `Φ⁻¹(${p})`).toBeLessThan(5e-16);
  });

  it('inverts Φ: Φ(Φ⁻¹(p)) = p', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(relative(normCdfPrecise(inverseNormCdf(p)), p)).toBeLessThan(1e-13);
      }),
      { numRuns: 500 },
    );
  });

  it('returns ±Infinity at 0 and 1 and NaN outside [0, 1]', () => {
    expect(inverseNormCdf(0)).toBe(-Infinity);
    expect(inverseNormCdf(1)).toBe(Infinity);
    expect(inverseNormCdf(-0.1)).toBeNaN();
    expect(inverseNormCdf(Number.NaN)).toBeNaN();
  });
});
