/**
 * The one normalisation of search text (issue 15 item 2; docs/decisions/0010-search-normalisation.md).
 * The index and every query pass through `foldForSearch`, so `ＰＰＰ项目`, `PPP项目` and `ppp` find the same
 * text, `２０２６年` finds `2026年`, and a zero-width space pasted inside a word does not hide it. SQLite
 * triggers cannot call this (node sqlite3 cannot register functions), so documents are built in TypeScript
 * (app/search/indexer.server.ts). Displayed text is never folded: snippets map matches back to the
 * original characters with `foldWithMap`.
 */

/**
 * Invisible characters that come with pasted text and split words without showing: zero-width space,
 * non-joiner and joiner, word joiner, BOM / zero-width no-break space, soft hyphen, Mongolian vowel
 * separator, invisible operators, and the directional marks and embeddings/isolates (U+200E/F,
 * U+202A–202E, U+2066–2069). Shared with the input-cleaning function (issue 15 item 2: "zero-width
 * characters are also stripped on input").
 */
export const ZERO_WIDTH_CHARACTERS: readonly string[] = [
  "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u180E",
  "\u2061", "\u2062", "\u2063", "\u2064",
  "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
];

const ZERO_WIDTH_RE = new RegExp(`[${ZERO_WIDTH_CHARACTERS.join("")}]`, "gu");

/** `text` without the characters of ZERO_WIDTH_CHARACTERS. Pure; safe on any string. */
export function stripZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH_RE, "");
}

/**
 * Search form of a text: zero-width characters removed, Unicode NFKC (full-width letters and digits become
 * ASCII, compatibility forms their plain letters), then lower case. Same length or shorter for CJK text.
 */
export function foldForSearch(text: string): string {
  return stripZeroWidth(text).normalize("NFKC").toLowerCase();
}

/** Runs of letters and digits: what search words are made of (punctuation and spaces separate them). */
export function searchRuns(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter((run) => run.length > 0);
}

/** Overlapping character pairs of a run ("医养中心" → 医养 养中 中心), by code point, never halving one. */
export function bigrams(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** A letter or digit (the characters of searchRuns), with a fast path for ASCII and the common CJK block. */
function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (ch.length === 1 && c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (ch.length === 1 && c >= 0x4e00 && c <= 0x9fff) return true;
  return WORD_CHAR.test(ch);
}

/**
 * The indexed form of a text: the bigrams of each run of its folded form, space separated (FTS5's
 * unicode61 tokenizer reads each pair as one token) — the same as searchRuns(...).flatMap(bigrams), built in
 * one pass because every document of a re-index goes through it. See docs/decisions/0004-chinese-search.md.
 */
export function indexGrams(text: string): string {
  const parts: string[] = [];
  let prev = "";
  for (const ch of foldForSearch(text)) {
    if (isWordChar(ch)) {
      if (prev) parts.push(prev + ch);
      prev = ch;
    } else prev = "";
  }
  return parts.join(" ");
}

/**
 * A user-perceived character, close to Unicode's extended grapheme cluster and much cheaper than
 * Intl.Segmenter on long Chinese text: a code point (never half a surrogate pair) with its combining marks,
 * variation selectors, emoji modifiers and tag characters, joined to the next by ZWJ (emoji sequences); or a
 * pair of regional indicators (a flag).
 */
const CLUSTER_RE = /[\u{1F1E6}-\u{1F1FF}]{2}|.[\p{M}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]*(?:\u200D.[\p{M}\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]*)*/gsu;

/**
 * The user-perceived characters of a text, each with its folded form, in order and lazily — so a match found
 * in the folded text is shown and marked in the original one, and a surrogate pair, an emoji sequence or a
 * letter with its marks is never cut. A zero-width character folds to "".
 */
export function* foldClusters(text: string): Generator<{ text: string; folded: string }> {
  for (const [cluster] of text.matchAll(CLUSTER_RE)) yield { text: cluster, folded: foldCluster(cluster) };
}

/** foldForSearch of one cluster, without the general path for the common characters (ASCII, CJK). */
function foldCluster(cluster: string): string {
  if (cluster.length === 1) {
    const c = cluster.charCodeAt(0);
    if (c < 0x80) return c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : cluster;
    if (c >= 0x4e00 && c <= 0x9fff) return cluster;
  }
  return foldForSearch(cluster);
}
