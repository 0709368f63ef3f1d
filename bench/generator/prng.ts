/**
 * A small seeded pseudo-random generator (sfc32, seeded through a string hash) so the traffic
 * generator is a pure function of its seed: the same seed gives byte-identical output on every
 * machine and Node version, which `Math.random` cannot promise.
 */

/** 32-bit FNV-1a of the seed text, then splitmix-style scrambling into four state words. */
function seedState(seed: string): [number, number, number, number] {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  const words: number[] = [];
  for (let index = 0; index < 4; index += 1) {
    hash = (hash + 0x9e3779b9) | 0;
    let mixed = hash;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    words.push((mixed ^ (mixed >>> 16)) >>> 0);
  }
  return words as [number, number, number, number];
}

const HEX = '0123456789abcdef';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    [this.a, this.b, this.c, this.d] = seedState(String(seed));
    // The first outputs of sfc32 still echo the seed; burn them.
    for (let index = 0; index < 12; index += 1) this.uint32();
  }

  /** An independent stream derived from this seed and a label, unaffected by draws elsewhere. */
  static derive(seed: string | number, label: string): Random {
    return new Random(`${String(seed)}/${label}`);
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.next() * total;
    for (const [value, weight] of choices) {
      draw -= weight;
      if (draw < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Log-normal sample with the given median; `spread` is the sigma of the underlying normal. */
  logNormal(median: number, spread: number): number {
    const u1 = Math.max(this.next(), Number.EPSILON);
    const u2 = this.next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return median * Math.exp(spread * normal);
  }

  hex(length: number): string {
    return this.fromAlphabet(HEX, length);
  }

  base32(length: number): string {
    return this.fromAlphabet(BASE32, length);
  }

  base64url(length: number): string {
    return this.fromAlphabet(BASE64URL, length);
  }

  /** A version-4 UUID. */
  uuid(): string {
    const hex = this.hex(32);
    const variant = HEX[8 + this.int(0, 3)] ?? '8';
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index -= 1) {
      const other = this.int(0, index);
      [items[index], items[other]] = [items[other] as T, items[index] as T];
    }
    return items;
  }

  private fromAlphabet(alphabet: string, length: number): string {
    let text = '';
    for (let index = 0; index < length; index += 1)
      text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }
}
