/**
 * Ignore files (`.gitignore`, `.ignore`, `.rgignore`, `.git/info/exclude`, the global git
 * excludes file) and `--glob` overrides, matched the way ripgrep's `ignore` crate does:
 *
 * - blank lines and `#` comments are skipped; trailing spaces are dropped unless escaped;
 *   `\#` and `\!` start literal patterns;
 * - `!` re-includes (whitelists); a trailing `/` matches directories only;
 * - a pattern with a `/` (other than a trailing one) is anchored to the file's directory, a
 *   leading `/` is dropped; a pattern without one matches at any depth (`**` + `/` prefix);
 * - a trailing `/**` matches what is inside a directory, not the directory itself;
 * - the last matching pattern of a file decides.
 *
 * @module
 */

import { globRegExp } from "./glob_regex.ts";

/** What a set of patterns says about a path. */
export type IgnoreMatch = "ignore" | "whitelist" | undefined;

interface Rule {
  re: RegExp;
  whitelist: boolean;
  dirOnly: boolean;
}

/**
 * Compiles one ignore-file line; `undefined` for blank lines and comments. An invalid glob
 * throws when `strict`, else is skipped (like ripgrep, the rest of an ignore file still applies).
 */
function compileLine(raw: string, strict: boolean): Rule | undefined {
  let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line.startsWith("#")) return undefined;
  if (!line.endsWith("\\ ")) line = line.trimEnd();
  if (line === "") return undefined;
  let whitelist = false;
  let anchored = false;
  if (line.startsWith("\\!") || line.startsWith("\\#")) {
    line = line.slice(1);
    anchored = line.startsWith("/");
  } else {
    if (line.startsWith("!")) {
      whitelist = true;
      line = line.slice(1);
    }
    if (line.startsWith("/")) {
      line = line.slice(1);
      anchored = true;
    }
  }
  let dirOnly = false;
  if (line.endsWith("/")) {
    dirOnly = true;
    line = line.slice(0, -1);
    if (line.endsWith("\\")) line = line.slice(0, -1);
  }
  let glob = line;
  if (!anchored && !line.includes("/") && !(glob === "**" || glob.startsWith("**/"))) {
    glob = `**/${glob}`;
  }
  if (glob.endsWith("/**")) glob = `${glob}/*`;
  try {
    return { re: globRegExp(glob), whitelist, dirOnly };
  } catch (err) {
    if (strict) throw err;
    return undefined;
  }
}

/** The component-wise relative path of `path` under `root`, as the `ignore` crate strips it. */
export function stripRoot(root: string, path: string): string {
  let p = path.startsWith("./") ? path.slice(2) : path;
  if (root === "." || !p.includes("/")) return p;
  // An empty root strips nothing but the leading `/` (the global excludes file).
  if (root === "") return p.startsWith("/") ? p.slice(1) : p;
  if (p === root) return "";
  const base = root.endsWith("/") ? root : `${root}/`;
  if (p.startsWith(base)) p = p.slice(base.length);
  return p;
}

/** One parsed ignore file (or override list) with the directory its patterns are relative to. */
export class IgnorePatterns {
  /** The directory the patterns are relative to. */
  readonly root: string;
  #rules: Rule[];

  /**
   * @param root The directory patterns are relative to (`""`: paths lose only their leading
   *   `/`).
   * @param lines The file's lines.
   * @param strict Throw a `GlobSyntaxError` for an invalid glob instead of skipping it.
   */
  constructor(root: string, lines: Iterable<string>, strict = false) {
    this.root = root;
    this.#rules = [];
    for (const line of lines) {
      const rule = compileLine(line, strict);
      if (rule) this.#rules.push(rule);
    }
  }

  /** Parses the text of an ignore file. */
  static parse(root: string, text: string): IgnorePatterns {
    return new IgnorePatterns(root, text.split("\n"));
  }

  /** True when there are no patterns. */
  get empty(): boolean {
    return this.#rules.length === 0;
  }

  /** Number of patterns without `!`. */
  get ignoreCount(): number {
    return this.#rules.filter((r) => !r.whitelist).length;
  }

  /** The decision of the last pattern matching `path` (absolute or relative), if any. */
  match(path: string, isDir: boolean): IgnoreMatch {
    const candidate = stripRoot(this.root, path);
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      const rule = this.#rules[i]!;
      if (rule.dirOnly && !isDir) continue;
      if (rule.re.test(candidate)) return rule.whitelist ? "whitelist" : "ignore";
    }
    return undefined;
  }
}

/**
 * `--glob` overrides: a plain glob includes (and everything else is then left out), a glob
 * starting with `!` excludes. An including glob wins over ignore files and hidden-file rules.
 */
export class GlobOverrides {
  #patterns: IgnorePatterns;
  #whitelists: number;

  /**
   * @param root The directory `--glob` patterns are relative to (ripgrep's working directory).
   * @param globs The globs, in command-line order.
   * @throws {GlobSyntaxError} For an invalid glob.
   */
  constructor(root: string, globs: readonly string[]) {
    this.#patterns = new IgnorePatterns(root, globs, true);
    // Globs without `!` are the whitelists of an override list (the meaning is inverted).
    this.#whitelists = this.#patterns.ignoreCount;
  }

  /** True when no glob was given. */
  get empty(): boolean {
    return this.#patterns.empty;
  }

  /** The override's decision for `path`. */
  match(path: string, isDir: boolean): IgnoreMatch {
    if (this.#patterns.empty) return undefined;
    const m = this.#patterns.match(path, isDir);
    if (m === "ignore") return "whitelist";
    if (m === "whitelist") return "ignore";
    if (this.#whitelists > 0 && !isDir) return "ignore";
    return undefined;
  }
}
