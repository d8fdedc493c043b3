// Seeded, serialisable random numbers so a simulated market replays exactly from its seed.
// xoshiro128** (32-bit state words) with Box-Muller normals.

/** The four xoshiro words, plus the cached second Box-Muller normal when one is pending. */
export type RngState = [number, number, number, number] | [number, number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s: [number, number, number, number];
  private spareNormal: number | null = null;

  constructor(seedOrState: number | RngState) {
    if (typeof seedOrState === 'number') {
      const next = splitmix32(seedOrState);
      this.s = [next(), next(), next(), next()];
    } else {
      this.s = [seedOrState[0], seedOrState[1], seedOrState[2], seedOrState[3]];
      if (seedOrState.length === 5) this.spareNormal = seedOrState[4];
    }
    if (this.s.every((w) => w === 0)) this.s[0] = 1;
  }

  get state(): RngState {
    return this.spareNormal === null ? [...this.s] : [...this.s, this.spareNormal];
  }

  /** Uniform in [0, 1). */
  next(): number {
    const [s0, s1, s2, s3] = this.s;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    let n2 = (s2 ^ s0) >>> 0;
    let n3 = (s3 ^ s1) >>> 0;
    const n1 = (s1 ^ n2) >>> 0;
    const n0 = (s0 ^ n3) >>> 0;
    n2 = (n2 ^ t) >>> 0;
    n3 = rotl(n3, 11);
    this.s = [n0, n1, n2, n3];
    return result / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
