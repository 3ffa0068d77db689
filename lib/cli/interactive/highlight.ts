/**
 * Simple syntax highlighting for fenced code blocks: keywords, strings, comments and numbers
 * for the common language families, `+`/`-` lines for diffs. One line at a time with a small
 * state (block comments), so it works on streamed code.
 *
 * @module
 */

import type { Style } from "./style.ts";

/** How a language is tokenised. */
interface LanguageSpec {
  lineComment: string[];
  block?: [string, string];
  keywords: Set<string>;
  quotes: string;
}

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const C_LIKE_KEYWORDS =
  "abstract as async await break case catch class const continue default defer delete do else enum export extends false final finally fn for from func function go if impl implements import in instanceof interface let loop match mod mut new nil null package private protected pub public readonly return self static struct super switch this throw throws trait true try type typeof undefined use var void where while yield";

const LANGS: Record<string, LanguageSpec> = {
  c: {
    lineComment: ["//"],
    block: ["/*", "*/"],
    keywords: words(C_LIKE_KEYWORDS + " int char long short unsigned float double bool"),
    quotes: `"'\``,
  },
  hash: {
    lineComment: ["#"],
    keywords: words(
      "and as assert async await break case class continue def del do done elif else esac except export false fi finally for from function global if import in is lambda local None nonlocal not or pass raise return then True False try until while with yield echo exit set unset",
    ),
    quotes: `"'`,
  },
  sql: {
    lineComment: ["--"],
    block: ["/*", "*/"],
    keywords: words(
      "select from where insert into values update set delete create table drop alter index join left right inner outer on and or not null as group by order limit having distinct union primary key references",
    ),
    quotes: `"'`,
  },
  json: { lineComment: [], keywords: words("true false null"), quotes: `"` },
};

const ALIASES: Record<string, string> = {
  js: "c",
  jsx: "c",
  ts: "c",
  tsx: "c",
  javascript: "c",
  typescript: "c",
  java: "c",
  cpp: "c",
  "c++": "c",
  h: "c",
  cs: "c",
  csharp: "c",
  go: "c",
  golang: "c",
  rust: "c",
  rs: "c",
  kotlin: "c",
  kt: "c",
  swift: "c",
  php: "c",
  scala: "c",
  dart: "c",
  zig: "c",
  py: "hash",
  python: "hash",
  sh: "hash",
  bash: "hash",
  zsh: "hash",
  shell: "hash",
  console: "hash",
  rb: "hash",
  ruby: "hash",
  yaml: "hash",
  yml: "hash",
  toml: "hash",
  perl: "hash",
  r: "hash",
  make: "hash",
  makefile: "hash",
  dockerfile: "hash",
  jsonc: "c",
  json5: "c",
};

/** The tokenizer family of a fence's info string, or undefined for plain text. */
export function languageOf(info: string): string | undefined {
  const name = info.trim().split(/[\s{,]/)[0].toLowerCase();
  if (name === "diff" || name === "patch") return "diff";
  if (name in LANGS) return name;
  return ALIASES[name];
}

/** Highlighting state carried from one line of a block to the next. */
export interface HighlightState {
  inBlock: boolean;
}

/** Highlights one code line of `lang` (see {@linkcode languageOf}). */
export function highlightLine(
  line: string,
  lang: string | undefined,
  style: Style,
  state: HighlightState,
): string {
  if (!style.enabled || !lang) return line;
  if (lang === "diff") return highlightDiffLine(line, style);
  const spec = LANGS[lang];
  if (!spec) return line;
  let out = "";
  let i = 0;
  const n = line.length;
  while (i < n) {
    if (state.inBlock && spec.block) {
      const end = line.indexOf(spec.block[1], i);
      if (end < 0) {
        out += style.gray(line.slice(i));
        return out;
      }
      out += style.gray(line.slice(i, end + spec.block[1].length));
      i = end + spec.block[1].length;
      state.inBlock = false;
      continue;
    }
    if (spec.block && line.startsWith(spec.block[0], i)) {
      state.inBlock = true;
      out += style.gray(spec.block[0]);
      i += spec.block[0].length;
      continue;
    }
    if (spec.lineComment.some((c) => line.startsWith(c, i))) {
      out += style.gray(line.slice(i));
      return out;
    }
    const ch = line[i];
    if (spec.quotes.includes(ch)) {
      let j = i + 1;
      while (j < n && line[j] !== ch) j += line[j] === "\\" ? 2 : 1;
      const lit = line.slice(i, Math.min(j + 1, n));
      // JSON keys read better in another colour than values.
      const isKey = lang === "json" && /^\s*:/.test(line.slice(j + 1));
      out += isKey ? style.cyan(lit) : style.green(lit);
      i = Math.min(j + 1, n);
      continue;
    }
    if (/[0-9]/.test(ch) && (i === 0 || !/[\w$]/.test(line[i - 1]))) {
      const m = line.slice(i).match(
        /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?)/,
      );
      if (m) {
        out += style.yellow(m[0]);
        i += m[0].length;
        continue;
      }
    }
    if (/[A-Za-z_$]/.test(ch)) {
      const m = line.slice(i).match(/^[A-Za-z_$][\w$]*/)!;
      const word = m[0];
      const keyword = spec.keywords.has(lang === "sql" ? word.toLowerCase() : word);
      out += keyword ? style.magenta(word) : word;
      i += word.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Colours one line of a unified diff. */
export function highlightDiffLine(line: string, style: Style): string {
  if (line.startsWith("+++") || line.startsWith("---")) return style.bold(line);
  if (line.startsWith("@@")) return style.cyan(line);
  if (line.startsWith("+")) return style.green(line);
  if (line.startsWith("-")) return style.red(line);
  if (/^(diff |index |new file|deleted file|similarity|rename )/.test(line)) {
    return style.bold(line);
  }
  return line;
}
