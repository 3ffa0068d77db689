/**
 * `CODEX_HOME/.env`: loaded before the config. Keys starting with `CODEX_` are ignored (they
 * steer Codex itself), and variables already set in the environment win. (The seed overwrote
 * existing variables; we do not.)
 *
 * The file is read with our own parser, which gives the results of `node:util`'s `parseEnv`
 * (checked by `tests/dotenv_test.ts`) without importing a `node:` module: the first one starts
 * Deno's Node compatibility layer (~16 ms) on the start-up path.
 *
 * @module
 */

/** The result of loading a `.env` file into an environment. */
export interface DotenvResult {
  /** The environment with the file's variables added. */
  env: Record<string, string>;
  /** Keys taken from the file (not the values). */
  loaded: string[];
  /** Keys in the file that were skipped (`CODEX_*`, or already set). */
  skipped: string[];
}

/** Space, tab and newline: what the format trims (not `\r`, which is removed up front). */
function trimBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  const blank = (c: string) => c === " " || c === "\t" || c === "\n";
  while (start < end && blank(s[start])) start++;
  while (end > start && blank(s[end - 1])) end--;
  return s.slice(start, end);
}

/**
 * The index of the quote closing the value that `text` starts with, or -1. Normally the next
 * `quote`; but when something other than a comment follows it on its line, the value has inner
 * quotes, and the closer is the last `quote` on that line that a `#` comment follows, else the
 * line's last `quote` if only blanks follow it, else the next one after all.
 */
function closingQuote(text: string, quote: string): number {
  const next = text.indexOf(quote, 1);
  if (next === -1) return -1;
  let lineEnd = text.indexOf("\n", next + 1);
  if (lineEnd === -1) lineEnd = text.length;
  const rest = trimBlanks(text.slice(next + 1, lineEnd));
  if (rest === "" || rest.startsWith("#")) return next;
  let atLineEnd = -1;
  for (let i = lineEnd - 1; i > next; i--) {
    if (text[i] !== quote) continue;
    const after = trimBlanks(text.slice(i + 1, lineEnd));
    if (after.startsWith("#")) return i;
    if (after === "" && atLineEnd === -1) atLineEnd = i;
  }
  return atLineEnd === -1 ? next : atLineEnd;
}

/**
 * Parses `.env` text as `node:util`'s `parseEnv` does: `KEY=value` lines, `export KEY=value`,
 * `#` comments (also after an unquoted value), values in `'`, `"` or `` ` `` quotes (which may span
 * lines; `\n` in double quotes is a newline), blanks trimmed, the last of duplicate keys wins. No
 * `$VAR` expansion. Lines that are not `KEY=value` are skipped.
 */
export function parseDotenv(input: string): Record<string, string> {
  const found: Record<string, string> = Object.create(null);
  let text = trimBlanks(input.replaceAll("\r", ""));
  const afterLineOf = (index: number) => {
    const newline = text.indexOf("\n", index);
    return newline === -1 ? "" : text.slice(newline + 1);
  };
  while (text !== "") {
    if (text[0] === "\n" || text[0] === "#") {
      text = afterLineOf(0);
      continue;
    }
    const stop = text.search(/[=\n]/);
    if (stop === -1) break;
    if (text[stop] === "\n") {
      // a line without "=" is skipped
      text = trimBlanks(text.slice(stop + 1));
      continue;
    }
    let key = trimBlanks(text.slice(0, stop));
    text = text.slice(stop + 1);
    if (text === "" || text[0] === "\n") {
      found[key] = "";
      continue;
    }
    // The value may start on a later line: "KEY=  \nB=1" gives KEY the value "B=1".
    text = trimBlanks(text);
    if (key === "") continue; // "=value": the value is read as the next line
    if (key.startsWith("export ")) key = trimBlanks(key.slice(7));
    if (text === "") {
      found[key] = "";
      break;
    }
    const quote = text[0];
    if (quote === '"' || quote === "'" || quote === "`") {
      const close = closingQuote(text, quote);
      if (close !== -1) {
        const inner = text.slice(1, close);
        found[key] = quote === '"' ? inner.replaceAll("\\n", "\n") : inner;
        text = afterLineOf(close + 1);
        continue;
      }
      // An unclosed quote: the rest of the line, quote included, is the value.
      const newline = text.indexOf("\n");
      found[key] = newline === -1 ? text : text.slice(0, newline);
      text = newline === -1 ? "" : text.slice(newline + 1);
    } else {
      const newline = text.indexOf("\n");
      const line = newline === -1 ? text : text.slice(0, newline);
      const hash = line.indexOf("#");
      found[key] = trimBlanks(hash === -1 ? line : line.slice(0, hash));
      text = newline === -1 ? "" : text.slice(newline + 1);
    }
    text = trimBlanks(text);
  }
  return { ...found };
}

/** Merges the `.env` file at `path` (if any) under `env`. */
export async function loadDotenv(
  path: string,
  env: Record<string, string | undefined>,
): Promise<DotenvResult> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return { env: out, loaded: [], skipped: [] };
  }
  const loaded: string[] = [];
  const skipped: string[] = [];
  for (const [k, v] of Object.entries(parseDotenv(text))) {
    if (k.toUpperCase().startsWith("CODEX_") || out[k] !== undefined) {
      skipped.push(k);
      continue;
    }
    out[k] = v;
    loaded.push(k);
  }
  return { env: out, loaded, skipped };
}
