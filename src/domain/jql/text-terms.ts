// What a `~` operand asks for, independent of the index that answers it: words (all must match), prefixes
// (`time*`) and exact phrases (`"\"full screen\""`). Lucene operators, fuzzy `~` and `?` wildcards are not
// interpreted: their characters only separate words, so no user syntax ever reaches the index's query language.

export interface TextTerm {
  /** The words of the term, lower-cased; a phrase has several, in order. */
  words: string[];
  /** A trailing `*`: the last word is a prefix. */
  prefix: boolean;
}

const WORD = /[\p{L}\p{N}_]+/gu;

const wordsOf = (text: string): string[] => [...text.toLowerCase().matchAll(WORD)].map((m) => m[0]);

/** The terms of a `~` operand; empty when it holds no searchable word (such a clause matches nothing). */
export function parseTextTerms(operand: string): TextTerm[] {
  const terms: TextTerm[] = [];
  // Phrases first: the inner quotes of `summary ~ "\"exact phrase\""` reach us as literal double quotes.
  const rest = operand.replace(/"([^"]*)"/g, (_, phrase: string) => {
    const words = wordsOf(phrase);
    if (words.length > 0) terms.push({ words, prefix: false });
    return ' ';
  });
  for (const chunk of rest.split(/\s+/)) {
    const prefix = /\*\s*$/.test(chunk);
    // A word broken by punctuation (`foo-bar`, `a.b`) is a phrase of its parts, as the index tokenises it.
    const words = wordsOf(chunk);
    if (words.length > 0) terms.push({ words, prefix });
  }
  return terms;
}
