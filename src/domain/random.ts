/** A seeded source of numbers in [0, 1). The domain never draws unseeded numbers: callers pass one of these in. */
export type Rng = () => number;

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): fast, 128-bit state, good statistical quality. */
export function seededRng(seed: number | string): Rng {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = hashSeed(seed);
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 15; i++) next(); // let the seed spread through the state
  return next;
}

/** A short, stable name for a seed, to print beside an answer so it can be reproduced. */
export function seedName(seed: string): string {
  return hashSeed(seed).toString(16).padStart(8, '0');
}

function hashSeed(seed: number | string): number {
  const text = String(seed);
  let h = 2_166_136_261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
