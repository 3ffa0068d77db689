/**
 * Finds where a chunk's lines sit in a file, with upstream's tolerance ladder: exact, then
 * ignoring trailing whitespace, then ignoring surrounding whitespace, then also treating
 * typographic dashes, quotes and odd spaces as their ASCII forms. The first pass that finds the
 * lines at or after the cursor wins.
 *
 * @example
 * ```ts
 * import { seekSequence } from "./seek.ts";
 *
 * seekSequence(["a", "b  ", "c"], ["b", "c"], 0, false); // 1 (trailing whitespace ignored)
 * ```
 *
 * @module
 */

import { trim, trimEnd } from "./rust_text.ts";

/** Maps typographic punctuation and odd spaces to ASCII, as upstream's last matching pass does. */
const PUNCTUATION: Record<string, string> = {};
for (const c of "\u2010\u2011\u2012\u2013\u2014\u2015\u2212") PUNCTUATION[c] = "-";
for (const c of "\u2018\u2019\u201A\u201B") PUNCTUATION[c] = "'";
for (const c of "\u201C\u201D\u201E\u201F") PUNCTUATION[c] = '"';
for (
  const c of "\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000"
) PUNCTUATION[c] = " ";
const PUNCTUATION_RE = new RegExp(`[${Object.keys(PUNCTUATION).join("")}]`, "g");

/** Trims `s` and maps typographic punctuation to ASCII (the loosest comparison key). */
export function normalisePunctuation(s: string): string {
  return trim(s).replace(PUNCTUATION_RE, (c) => PUNCTUATION[c]);
}

const PASSES: ((s: string) => string)[] = [trimEnd, trim, normalisePunctuation];

/**
 * Finds `pattern` in `lines` at or after `start`.
 *
 * @param lines the file's lines (without line endings)
 * @param pattern the lines to find
 * @param start the first index to try
 * @param eof when true, only the position that ends the file is tried (if not before `start`)
 * @returns the index where `pattern` starts, or -1
 */
export function seekSequence(
  lines: readonly string[],
  pattern: readonly string[],
  start: number,
  eof: boolean,
): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const last = lines.length - pattern.length;
  // An end-of-file chunk may only sit at the very end, and never before the cursor.
  const from = eof ? Math.max(start, last) : start;
  if (from > last) return -1;
  const found = findWith(lines, pattern, from, last);
  if (found >= 0) return found;
  for (const key of PASSES) {
    const keyed = findWith(lines, pattern.map(key), from, last, key);
    if (keyed >= 0) return keyed;
  }
  return -1;
}

function findWith(
  lines: readonly string[],
  pattern: readonly string[],
  from: number,
  last: number,
  key?: (s: string) => string,
): number {
  const m = pattern.length;
  const first = pattern[0];
  // Keys are computed once per line and only when needed.
  const cache: (string | undefined)[] | undefined = key ? new Array(lines.length) : undefined;
  const at = key && cache ? (i: number) => cache[i] ??= key(lines[i]) : (i: number) => lines[i];
  outer: for (let i = from; i <= last; i++) {
    if (at(i) !== first) continue;
    for (let j = 1; j < m; j++) {
      if (at(i + j) !== pattern[j]) continue outer;
    }
    return i;
  }
  return -1;
}
