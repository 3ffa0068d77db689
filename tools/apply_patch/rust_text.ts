/**
 * String helpers that behave like Rust's `str::trim*` and `str::lines`, which upstream's patch
 * parser and context matching use. JavaScript's `trim` differs in two code points (it strips
 * U+FEFF but keeps U+0085), which changes which lines match.
 *
 * @module
 */

/** Unicode `White_Space` characters, as Rust's `char::is_whitespace`. */
const WS =
  "\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
const LEADING = new RegExp(`^[${WS}]+`);
const TRAILING = new RegExp(`[${WS}]+$`);

/** Strips trailing Unicode whitespace (Rust `trim_end`). */
export function trimEnd(s: string): string {
  // Fast path: most lines end in a visible character.
  const last = s.charCodeAt(s.length - 1);
  if (s.length === 0 || (last > 0x20 && last < 0x7f)) return s;
  return s.replace(TRAILING, "");
}

/** Strips leading and trailing Unicode whitespace (Rust `trim`). */
export function trim(s: string): string {
  return trimEnd(s).replace(LEADING, "");
}

/** Splits like Rust `str::lines`: on `\n`, dropping one `\r` before it and a final empty line. */
export function lines(s: string): string[] {
  if (s === "") return [];
  const out = s.split("\n");
  if (out[out.length - 1] === "") out.pop();
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.endsWith("\r")) out[i] = l.slice(0, -1);
  }
  return out;
}
