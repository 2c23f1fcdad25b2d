// Access-pass symbols for push approval (the SecSign ID design): the browser shows one symbol; the phone shows
// it among decoys; the person taps the one they see. A push meant for someone else's login then fails, because
// the attacker's browser shows a symbol the victim cannot see. Names are the wire format; glyphs are for people.

export interface AccessSymbol {
  name: string;
  glyph: string;
}

export const ACCESS_SYMBOLS: readonly AccessSymbol[] = [
  { name: 'anchor', glyph: '⚓' }, { name: 'apple', glyph: '🍎' }, { name: 'bell', glyph: '🔔' },
  { name: 'bicycle', glyph: '🚲' }, { name: 'book', glyph: '📘' }, { name: 'cactus', glyph: '🌵' },
  { name: 'camera', glyph: '📷' }, { name: 'cat', glyph: '🐱' }, { name: 'cloud', glyph: '☁️' },
  { name: 'crown', glyph: '👑' }, { name: 'diamond', glyph: '💎' }, { name: 'dolphin', glyph: '🐬' },
  { name: 'flower', glyph: '🌸' }, { name: 'guitar', glyph: '🎸' }, { name: 'heart', glyph: '❤️' },
  { name: 'house', glyph: '🏠' }, { name: 'key', glyph: '🔑' }, { name: 'leaf', glyph: '🍃' },
  { name: 'lightning', glyph: '⚡' }, { name: 'moon', glyph: '🌙' }, { name: 'mushroom', glyph: '🍄' },
  { name: 'rocket', glyph: '🚀' }, { name: 'snowflake', glyph: '❄️' }, { name: 'star', glyph: '⭐' },
  { name: 'sun', glyph: '☀️' }, { name: 'tree', glyph: '🌳' }, { name: 'umbrella', glyph: '☂️' },
  { name: 'whale', glyph: '🐳' },
];

const BY_NAME = new Map(ACCESS_SYMBOLS.map((s) => [s.name, s]));

export function symbolByName(name: string): AccessSymbol | undefined {
  return BY_NAME.get(name);
}

export const CANDIDATE_COUNT = 4; // the right symbol and three decoys

/**
 * The symbol the browser shows and the candidates the authenticator offers (it among three distinct decoys,
 * in random order). `randomInt(n)` returns a uniform integer in [0, n): pass crypto.randomInt.
 */
export function chooseChallengeSymbols(randomInt: (n: number) => number): { symbol: string; candidates: string[] } {
  const pool = ACCESS_SYMBOLS.map((s) => s.name);
  // Partial Fisher-Yates: the first CANDIDATE_COUNT entries become a uniform random sample.
  for (let i = 0; i < CANDIDATE_COUNT; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const candidates = pool.slice(0, CANDIDATE_COUNT);
  const symbol = candidates[randomInt(CANDIDATE_COUNT)]!;
  return { symbol, candidates };
}
