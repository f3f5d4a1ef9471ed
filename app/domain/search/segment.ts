/**
 * Chinese has no spaces between words. Documents and queries are cut the same
 * way: dictionary word segmentation (ICU through Intl.Segmenter), lower-cased
 * and NFKC-normalised, plus every two-character run of Chinese text. The
 * bigrams make a query match however the segmenter happened to cut the
 * document: a name segmented as "税/易贷" is still found by "税易贷".
 */
const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
// Han script includes radicals and symbols (⺀, 〇…); only Han letters make words.
const isHan = (c: string) => HAN.test(c) && LETTER.test(c);
const WORDLIKE = /^[\p{L}\p{N}]+$/u;
/** Bound on tokens per text: a description cannot blow up the index. */
const MAX_TOKENS = 2_000;

function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** Words as the segmenter sees them (letters and digits only). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(normalise(text))) {
    if (s.isWordLike && WORDLIKE.test(s.segment)) out.push(s.segment);
    if (out.length >= MAX_TOKENS) break;
  }
  return out;
}

/** Every pair of adjacent Chinese characters. */
export function hanBigrams(text: string): string[] {
  const chars = [...normalise(text)];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length && out.length < MAX_TOKENS; i++) {
    if (isHan(chars[i]!) && isHan(chars[i + 1]!)) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** The lexemes a document's text is indexed under. */
export function documentTokens(text: string): string[] {
  return [...new Set([...words(text), ...hanBigrams(text)])];
}

export type QueryTerm = { lexemes: string[]; prefix: boolean };

/**
 * A query becomes terms that must all match. A Chinese word of two or more
 * characters matches through its bigrams (all of them); a single character or
 * a Latin/number word matches as a prefix, so typing "税" or "gov" finds
 * "税易贷" and "government".
 */
export function queryTerms(q: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const word of words(q)) {
    const chars = [...word];
    if (chars.length >= 2 && chars.every(isHan)) terms.push({ lexemes: hanBigrams(word), prefix: false });
    else terms.push({ lexemes: [word], prefix: true });
  }
  return terms;
}

/** The text fragments to mark when showing a hit: the query's words and their bigrams. */
export function highlightNeedles(q: string): string[] {
  const needles = new Set<string>();
  for (const w of words(q)) {
    needles.add(w);
    for (const b of hanBigrams(w)) needles.add(b);
  }
  return [...needles].sort((a, b) => b.length - a.length);
}
