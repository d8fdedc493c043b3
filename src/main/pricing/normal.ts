// Special functions with full relative accuracy in the tails, for implied volatility and
// reference pricing: erfc and the scaled erfcx (W. J. Cody's rational Chebyshev approximations,
// Math. Comp. 23 (1969) 631–638, coefficients as published in his CALERF packet), the standard
// normal CDF built on them, and its inverse (M. Wichura, Algorithm AS 241, Applied Statistics 37
// (1988) 477–484). black-scholes.ts builds its fast normCdf on the same erf/erfcx pieces with a
// single exponential; these are for the places where a deep out-of-the-money price must keep all
// its digits.

const SQRT_PI_INV = 0.5641895835477563; // 1/√π
const SQRT_HALF = 0.7071067811865476;
const CODY_SPLIT = 0.46875;

// erf on |x| ≤ 0.46875: x·P(x²)/Q(x²).
const A0 = 3.1611237438705656;
const A1 = 113.864154151050156;
const A2 = 377.485237685302021;
const A3 = 3209.37758913846947;
const A4 = 0.185777706184603153;
const B0 = 23.6012909523441209;
const B1 = 244.024637934444173;
const B2 = 1282.61652607737228;
const B3 = 2844.23683343917062;

// erfcx on 0.46875 < x ≤ 4: P(x)/Q(x).
const C0 = 0.564188496988670089;
const C1 = 8.88314979438837594;
const C2 = 66.1191906371416295;
const C3 = 298.635138197400131;
const C4 = 881.95222124176909;
const C5 = 1712.04761263407058;
const C6 = 2051.07837782607147;
const C7 = 1230.33935479799725;
const C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347;
const D1 = 117.693950891312499;
const D2 = 537.181101862009858;
const D3 = 1621.38957456669019;
const D4 = 3290.79923573345963;
const D5 = 4362.61909014324716;
const D6 = 3439.36767414372164;
const D7 = 1230.33935480374942;

// erfcx on x > 4: (1/√π − z·P(z)/Q(z))/x with z = 1/x².
const P0 = 0.305326634961232344;
const P1 = 0.360344899949804439;
const P2 = 0.125781726111229246;
const P3 = 0.0160837851487422766;
const P4 = 6.58749161529837803e-4;
const P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242;
const Q1 = 1.87295284992346047;
const Q2 = 0.527905102951428412;
const Q3 = 0.0605183413124413191;
const Q4 = 0.00233520497626869185;

/** erf(x) for |x| ≤ 0.46875. */
export function erfSmall(x: number): number {
  const z = x * x;
  const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
  const den = (((z + B0) * z + B1) * z + B2) * z + B3;
  return (x * num) / den;
}

/** erfcx(y) = e^{y²} erfc(y) for y > 0.46875. */
export function erfcxPositive(y: number): number {
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  if (y >= 6.71e7) return SQRT_PI_INV / y;
  const z = 1 / (y * y);
  const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
  const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return (SQRT_PI_INV - (z * num) / den) / y;
}

/** e^{-y²} for y ≥ 0 without the rounding error of squaring a large y first (Cody's split). */
function expMinusSquare(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  const tail = (y - head) * (y + head);
  return Math.exp(-head * head) * Math.exp(-tail);
}

/** Complementary error function, relative accuracy near machine precision for all x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= CODY_SPLIT) return 1 - erfSmall(x);
  if (y >= 26.543) r = 0;
  else r = expMinusSquare(y) * erfcxPositive(y);
  return x < 0 ? 2 - r : r;
}

/** Scaled complementary error function erfcx(x) = e^{x²}·erfc(x). */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= CODY_SPLIT) return Math.exp(x * x) * (1 - erfSmall(x));
  if (x > 0) return erfcxPositive(y);
  if (x < -26.628) return Infinity;
  // erfcx(−y) = 2e^{y²} − erfcx(y); e^{y²} split like expMinusSquare.
  const head = Math.trunc(y * 16) / 16;
  const tail = (y - head) * (y + head);
  const e = Math.exp(head * head) * Math.exp(tail);
  return 2 * e - erfcxPositive(y);
}

/** Standard normal CDF with full relative accuracy in both tails (via Cody's erfc). */
export function normCdfPrecise(z: number): number {
  return 0.5 * erfc(-z * SQRT_HALF);
}

/** Φ(z)/φ(z) = √(π/2)·erfcx(−z/√2): the Mills-ratio form used by the normalised Black function. */
export function millsY(z: number): number {
  return 1.2533141373155003 * erfcx(-z * SQRT_HALF);
}

// AS 241 (PPND16): rational approximations in three regions, numerators and denominators from the
// highest power down.
const SPLIT1 = 0.425;
const SPLIT2 = 5;
const CONST1 = 0.180625;
const CONST2 = 1.6;
const AS241_A = [
  2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457, 13731.693765509461125,
  1971.5909503065514427, 133.14166789178437745, 3.387132872796366608,
] as const;
const AS241_B = [
  5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867, 5394.1960214247511077,
  687.1870074920579083, 42.313330701600911252, 1,
] as const;
const AS241_C = [
  7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258, 3.64784832476320460504,
  5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734,
] as const;
const AS241_D = [
  1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459, 0.68976733498510000455,
  1.6763848301838038494, 2.05319162663775882187, 1,
] as const;
const AS241_E = [
  2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093, 0.29656057182850489123,
  1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772,
] as const;
const AS241_F = [
  2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
  0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1,
] as const;

function horner8(c: readonly number[], x: number): number {
  return ((((((c[0]! * x + c[1]!) * x + c[2]!) * x + c[3]!) * x + c[4]!) * x + c[5]!) * x + c[6]!) * x + c[7]!;
}

/** Φ⁻¹(½ + q) for |q| ≤ 0.425, taking q directly so that tiny q keep their relative precision. */
export function inverseNormCdfCentral(q: number): number {
  const r = CONST1 - q * q;
  return (q * horner8(AS241_A, r)) / horner8(AS241_B, r);
}

/** Inverse standard normal CDF Φ⁻¹(p), relative accuracy about 1e-16 (AS 241); ±Infinity at 0 and 1, NaN outside. */
export function inverseNormCdf(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= SPLIT1) return inverseNormCdfCentral(q);
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const z = r <= SPLIT2 ? horner8(AS241_C, r - CONST2) / horner8(AS241_D, r - CONST2) : horner8(AS241_E, r - SPLIT2) / horner8(AS241_F, r - SPLIT2);
  return q < 0 ? -z : z;
}
