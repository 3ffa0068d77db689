/**
 * Terminal column arithmetic: display width of text that may hold ANSI escapes, wide (CJK,
 * emoji) and zero-width characters; slicing and wrapping by columns while keeping SGR styles
 * intact across the cut.
 *
 * @module
 */

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
// deno-lint-ignore no-control-regex
const ANSI_RE = /\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Removes ANSI escape sequences from `text`. */
export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI_RE, "") : text;
}

/** Columns one code point takes: 0 (combining, control), 1, or 2 (wide). */
export function codePointWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Display width of `text` in columns (escapes excluded). */
export function displayWidth(text: string): number {
  const plain = stripAnsi(text);
  let w = 0;
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      w++;
      continue;
    }
    const cp = plain.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += codePointWidth(cp);
  }
  return w;
}

/** One piece of styled text: an escape sequence or a visible grapheme-ish unit. */
interface Token {
  text: string;
  /** 0 for escapes. */
  width: number;
  escape: boolean;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  ANSI_RE.lastIndex = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) === 0x1b) {
      ANSI_RE.lastIndex = i;
      const m = ANSI_RE.exec(text);
      if (m && m.index === i) {
        out.push({ text: m[0], width: 0, escape: true });
        i += m[0].length;
        continue;
      }
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    out.push({ text: ch, width: codePointWidth(cp), escape: false });
    i += ch.length;
  }
  return out;
}

const SGR_RESET = "\x1b[0m";

function isSgr(esc: string): boolean {
  return esc.startsWith("\x1b[") && esc.endsWith("m");
}

const CLOSES: Record<number, (code: number) => boolean> = {
  22: (c) => c === 1 || c === 2,
  23: (c) => c === 3,
  24: (c) => c === 4,
  27: (c) => c === 7,
  29: (c) => c === 9,
  39: (c) => (c >= 30 && c <= 38) || (c >= 90 && c <= 97),
  49: (c) => (c >= 40 && c <= 48) || (c >= 100 && c <= 107),
};

/** Updates the list of open SGR sequences with `esc`. */
function trackSgr(active: string[], esc: string): string[] {
  if (!isSgr(esc)) return active;
  const body = esc.slice(2, -1);
  if (body === "" || body === "0") return [];
  const code = Number(body.split(";")[0]);
  const close = CLOSES[code];
  if (close) return active.filter((a) => !close(Number(a.slice(2, -1).split(";")[0])));
  return [...active, esc];
}

/**
 * Splits `text` into rows of at most `width` columns (hard wrap, no word breaks). Styles
 * active at a cut are closed at the end of the row and reopened on the next one.
 */
export function hardWrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  if (!text.includes("\x1b") && text.length <= w && /^[\x20-\x7e]*$/.test(text)) return [text];
  const rows: string[] = [];
  let row = "";
  let col = 0;
  let active: string[] = [];
  for (const t of tokenize(text)) {
    if (t.escape) {
      row += t.text;
      active = trackSgr(active, t.text);
      continue;
    }
    if (col + t.width > w && col > 0) {
      rows.push(active.length ? row + SGR_RESET : row);
      row = active.join("");
      col = 0;
    }
    row += t.text;
    col += t.width;
  }
  rows.push(row);
  return rows;
}

/** Cuts `text` to at most `width` columns, adding `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  let out = "";
  let col = 0;
  let active: string[] = [];
  for (const t of tokenize(text)) {
    if (t.escape) {
      out += t.text;
      active = trackSgr(active, t.text);
      continue;
    }
    if (col + t.width > width - 1) break;
    out += t.text;
    col += t.width;
  }
  return out + "…" + (active.length ? SGR_RESET : "");
}

/**
 * Word-wraps `text` (which may hold SGR escapes) to `width` columns. `indent` is put before
 * continuation rows (its width counts). Words longer than a row are hard-wrapped.
 */
export function wordWrap(text: string, width: number, indent = ""): string[] {
  const w = Math.max(1, width);
  if (displayWidth(text) <= w) return [text];
  const indentWidth = displayWidth(indent);
  const rows: string[] = [];
  let row = "";
  let col = 0;
  let active: string[] = [];
  // Words with their following spaces; escapes stick to the word they precede.
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  for (const word of words) {
    const trimmed = word.replace(/\s+$/, "");
    const wordWidth = displayWidth(trimmed);
    const fullWidth = displayWidth(word);
    if (col > 0 && col + wordWidth > w) {
      rows.push(active.length ? row.replace(/\s+$/, "") + SGR_RESET : row.replace(/\s+$/, ""));
      row = indent + active.join("");
      col = indentWidth;
    }
    if (col + wordWidth > w) {
      // A word longer than a whole row: hard-wrap it.
      const pieces = hardWrap(active.join("") + word, Math.max(1, w - col));
      for (let i = 0; i < pieces.length - 1; i++) {
        rows.push(row + pieces[i]);
        row = indent;
        col = indentWidth;
      }
      const last = pieces[pieces.length - 1];
      row += last;
      col += displayWidth(last);
    } else {
      row += word;
      col += fullWidth;
    }
    for (const m of word.matchAll(ANSI_RE)) active = trackSgr(active, m[0]);
  }
  if (row.trim() !== "" || rows.length === 0) rows.push(row.replace(/\s+$/, ""));
  return rows;
}

/** Pads `text` with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + " ".repeat(width - w);
}
