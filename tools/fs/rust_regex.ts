/**
 * Translates a ripgrep pattern (Rust `regex` syntax) into a JavaScript `RegExp` (`v` flag) that
 * matches the same lines, so the built-in search of `grep_files` agrees with ripgrep:
 *
 * - matches never cross a line: `.`, classes, `\s`, `\p{..}` never match `\n`, and a literal
 *   `\n` in the pattern is an error (as in ripgrep without `--multiline`);
 * - `^`/`$` (and `\A`/`\z`) anchor at line boundaries, `$` only before `\n` (not `\r`);
 * - Unicode by default: `\w`, `\d`, `\s`, `\b` use Unicode properties; `(?-u)` makes them ASCII;
 * - invalid UTF-8 (decoded as U+FFFD) is not matched by `.`, classes or properties, as Rust
 *   matches valid UTF-8 only;
 * - flags `i`, `m`, `s`, `U`, `x`, `u` in `(?flags)` and `(?flags:...)`; `[...]` classes with
 *   ranges, POSIX `[:name:]`, nesting, `&&`, `--`, `~~`; `\x`, `\u`, `\U` escapes; `(?P<n>...)`.
 *
 * Look-around and backreferences are errors, as in Rust.
 *
 * @module
 */

/** Thrown for a pattern the translator (or Rust's regex engine) does not accept. */
export class PatternError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = "PatternError";
  }
}

interface Flags {
  i: boolean;
  U: boolean;
  x: boolean;
  u: boolean;
}

const WORD_U = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
const WORD_A = "0-9A-Za-z_";
const DIGIT_U = "\\p{Nd}";
const DIGIT_A = "0-9";
const SPACE_U = "\\p{White_Space}";
const SPACE_A = "\\t\\n\\v\\f\\r ";

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\u{0}-\\u{7f}",
  blank: "\\t ",
  cntrl: "\\u{0}-\\u{1f}\\u{7f}",
  digit: "0-9",
  graph: "\\u{21}-\\u{7e}",
  lower: "a-z",
  print: "\\u{20}-\\u{7e}",
  punct: "\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

function hexChar(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}

/** A JS property escape for a Rust `\p` name, or an error when JavaScript has no equivalent. */
function property(name: string, negated: boolean): string {
  let n = name;
  let neg = negated;
  if (n.startsWith("^")) {
    neg = !neg;
    n = n.slice(1);
  }
  n = n.replace(/\s+/g, "").replace(/:/, "=");
  const candidates = [
    n,
    `Script=${n}`,
    n.replace(/^sc=/, "Script=").replace(/^gc=/, "General_Category="),
  ];
  for (const c of candidates) {
    try {
      new RegExp(`\\p{${c}}`, "v");
      return `${neg ? "\\P" : "\\p"}{${c}}`;
    } catch { /* try the next spelling */ }
  }
  throw new PatternError(`unknown Unicode property \`${name}\``);
}

/** The translator's state over one pattern. */
class Translator {
  #src: string;
  #i = 0;

  constructor(src: string) {
    this.#src = src;
  }

  #peek(offset = 0): string | undefined {
    return this.#src[this.#i + offset];
  }

  #fail(what: string): never {
    throw new PatternError(`regex parse error at ${this.#i}: ${what}`);
  }

  /** Characters excluded from every class and `.`: line ends, and U+FFFD in Unicode mode. */
  #excluded(f: Flags): string {
    return f.u ? "\\n\\u{fffd}" : "\\n";
  }

  #wordClass(f: Flags): string {
    return `[${f.u ? WORD_U : WORD_A}]`;
  }

  #boundary(f: Flags, kind: "b" | "B" | "<" | ">"): string {
    const w = this.#wordClass(f);
    switch (kind) {
      case "b":
        return `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
      case "B":
        return `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
      case "<":
        return `(?:(?<!${w})(?=${w}))`;
      case ">":
        return `(?:(?<=${w})(?!${w}))`;
    }
  }

  /** Reads a `\x..`, `\u....`, `\U........` or braced code point after the escape letter. */
  #codePoint(letter: string): number {
    const width = letter === "x" ? 2 : letter === "u" ? 4 : 8;
    let digits: string;
    if (this.#peek() === "{") {
      const end = this.#src.indexOf("}", this.#i);
      if (end < 0) this.#fail("unclosed hex escape");
      digits = this.#src.slice(this.#i + 1, end);
      this.#i = end + 1;
    } else {
      digits = this.#src.slice(this.#i, this.#i + width);
      this.#i += width;
    }
    if (!/^[0-9a-fA-F]{1,8}$/.test(digits)) this.#fail(`invalid hex escape \\${letter}${digits}`);
    const code = parseInt(digits, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      this.#fail(`invalid Unicode scalar value ${digits}`);
    }
    return code;
  }

  #noNewline(code: number): number {
    if (code === 0x0a) {
      throw new PatternError(
        'the literal "\\n" is not allowed in a regex (matches never span lines)',
      );
    }
    return code;
  }

  /** Parses an escape after `\`; returns either a single code point or a set source. */
  #escape(f: Flags, inClass: boolean): { code: number } | { set: string } | { assert: string } {
    const c = this.#src[this.#i++];
    if (c === undefined) this.#fail("incomplete escape sequence");
    switch (c) {
      case "n":
        return { code: this.#noNewline(0x0a) };
      case "t":
        return { code: 0x09 };
      case "r":
        return { code: 0x0d };
      case "f":
        return { code: 0x0c };
      case "v":
        return { code: 0x0b };
      case "a":
        return { code: 0x07 };
      case "x":
      case "u":
      case "U":
        return { code: this.#noNewline(this.#codePoint(c)) };
      case "d":
        return { set: `[${f.u ? DIGIT_U : DIGIT_A}]` };
      case "D":
        return { set: `[^${f.u ? DIGIT_U : DIGIT_A}]` };
      case "w":
        return { set: `[${f.u ? WORD_U : WORD_A}]` };
      case "W":
        return { set: `[^${f.u ? WORD_U : WORD_A}]` };
      case "s":
        return { set: `[${f.u ? SPACE_U : SPACE_A}]` };
      case "S":
        return { set: `[^${f.u ? SPACE_U : SPACE_A}]` };
      case "p":
      case "P": {
        let name: string;
        if (this.#peek() === "{") {
          const end = this.#src.indexOf("}", this.#i);
          if (end < 0) this.#fail("unclosed Unicode class");
          name = this.#src.slice(this.#i + 1, end);
          this.#i = end + 1;
        } else {
          name = this.#src[this.#i++] ?? this.#fail("incomplete Unicode class");
        }
        return { set: `[${property(name, c === "P")}]` };
      }
      case "b":
      case "B":
      case "<":
      case ">":
        if (inClass) this.#fail(`\\${c} is not allowed in a class`);
        return { assert: this.#boundary(f, c) };
      case "A":
        if (inClass) this.#fail("\\A is not allowed in a class");
        return { assert: "(?<![^\\n])" };
      case "z":
        if (inClass) this.#fail("\\z is not allowed in a class");
        return { assert: "(?![^\\n])" };
      default:
        if (/[0-9]/.test(c)) this.#fail("backreferences are not supported");
        if (/[A-Za-z]/.test(c)) this.#fail(`unrecognized escape sequence \\${c}`);
        return { code: c.codePointAt(0)! };
    }
  }

  /** A class operand or the whole class (`[` already consumed), as a v-mode class source. */
  #classBody(f: Flags): string {
    let negated = false;
    if (this.#peek() === "^") {
      negated = true;
      this.#i++;
    }
    // Operands of the current union, and the finished left side of a pending set operation.
    let union: string[] = [];
    let left: string | undefined;
    let op: "&&" | "--" | "~~" | undefined;
    const finishUnion = (): string => {
      if (union.length === 0) this.#fail("empty character class operand");
      const s = `[${union.join("")}]`;
      union = [];
      return s;
    };
    const combine = (a: string, o: "&&" | "--" | "~~", b: string): string =>
      o === "~~" ? `[[${a}--${b}][${b}--${a}]]` : `[${a}${o}${b}]`;
    let first = true;
    for (;;) {
      let c = this.#peek();
      if (c === undefined) this.#fail("unclosed character class");
      if (f.x && isSpace(c)) {
        this.#i++;
        continue;
      }
      if (c === "]" && !first) {
        this.#i++;
        break;
      }
      first = false;
      const two = this.#src.slice(this.#i, this.#i + 2);
      if (two === "&&" || two === "--" || two === "~~") {
        this.#i += 2;
        const side = finishUnion();
        left = left === undefined || op === undefined ? side : combine(left, op, side);
        op = two;
        continue;
      }
      if (c === "[") {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.#src.slice(this.#i));
        if (posix) {
          const body = POSIX[posix[2]!];
          if (body === undefined) this.#fail(`unknown POSIX class ${posix[2]}`);
          union.push(posix[1] ? `[^${body}]` : `[${body}]`);
          this.#i += posix[0].length;
          continue;
        }
        this.#i++;
        union.push(this.#classBody(f));
        continue;
      }
      // A single character (literal or escape), possibly the start of a range.
      let lo: number;
      this.#i++;
      if (c === "\\") {
        const e = this.#escape(f, true);
        if ("set" in e) {
          union.push(e.set);
          continue;
        }
        if ("assert" in e) this.#fail("assertion in class");
        lo = e.code;
      } else {
        lo = c.codePointAt(0)!;
        if (lo > 0xffff) this.#i++;
      }
      if (
        this.#peek() === "-" && this.#peek(1) !== "]" && this.#peek(1) !== undefined &&
        this.#peek(1) !== "-"
      ) {
        this.#i++;
        c = this.#src[this.#i++]!;
        let hi: number;
        if (c === "\\") {
          const e = this.#escape(f, true);
          if (!("code" in e)) this.#fail("invalid range end");
          hi = e.code;
        } else {
          hi = c.codePointAt(0)!;
          if (hi > 0xffff) this.#i++;
        }
        if (hi < lo) this.#fail("invalid character class range");
        union.push(`${hexChar(lo)}-${hexChar(hi)}`);
      } else {
        union.push(hexChar(lo));
      }
    }
    let body: string;
    if (op !== undefined && left !== undefined) body = combine(left, op, finishUnion());
    else body = finishUnion();
    return negated ? `[^${body}]` : body;
  }

  /** Parses flags up to `)` or `:`; returns the new flags and whether a group body follows. */
  #flagGroup(f: Flags): { flags: Flags; scoped: boolean } {
    const next = { ...f };
    let on = true;
    for (;;) {
      const c = this.#src[this.#i++];
      if (c === undefined) this.#fail("unclosed flag group");
      if (c === ")") return { flags: next, scoped: false };
      if (c === ":") return { flags: next, scoped: true };
      if (c === "-") {
        on = false;
        continue;
      }
      switch (c) {
        case "i":
          next.i = on;
          break;
        case "U":
          next.U = on;
          break;
        case "x":
          next.x = on;
          break;
        case "u":
          next.u = on;
          break;
        case "m":
        case "s":
        case "R":
          break; // lines are matched one at a time: multi-line and dot-all change nothing
        default:
          this.#fail(`unrecognized flag ${c}`);
      }
    }
  }

  #modifier(from: Flags, to: Flags): string {
    if (from.i === to.i) return "";
    return to.i ? "(?i:" : "(?-i:";
  }

  /** Translates a sequence up to `)` or the end. `outer` are the flags the group started with. */
  #sequence(outer: Flags, depth: number): string {
    let f = { ...outer };
    let out = "";
    let opened = ""; // modifier groups opened by bare `(?i)` in this group
    const reopen = () => this.#modifier(outer, f);
    for (;;) {
      const c = this.#peek();
      if (c === undefined) {
        if (depth > 0) this.#fail("unclosed group");
        return out + (opened ? ")" : "");
      }
      if (f.x && isSpace(c)) {
        this.#i++;
        continue;
      }
      if (f.x && c === "#") {
        const nl = this.#src.indexOf("\n", this.#i);
        this.#i = nl < 0 ? this.#src.length : nl + 1;
        continue;
      }
      this.#i++;
      switch (c) {
        case ")":
          if (depth === 0) this.#fail("unopened group");
          return out + (opened ? ")" : "");
        case "|":
          out += (opened ? ")" : "") + "|";
          opened = reopen();
          out += opened;
          continue;
        case "(": {
          if (this.#peek() !== "?") {
            out += `(${this.#sequence(f, depth + 1)})`;
            break;
          }
          this.#i++;
          const rest = this.#src.slice(this.#i);
          if (/^(=|!|<=|<!)/.test(rest)) this.#fail("look-around is not supported");
          const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
          if (named) {
            this.#i += named[0].length;
            out += `(?<${named[1]}>${this.#sequence(f, depth + 1)})`;
            break;
          }
          const { flags, scoped } = this.#flagGroup(f);
          if (scoped) {
            const mod = this.#modifier(f, flags);
            out += `${mod || "(?:"}${this.#sequence(flags, depth + 1)})`;
          } else {
            if (opened) out += ")";
            f = flags;
            opened = reopen();
            out += opened;
          }
          break;
        }
        case "[":
          out += `[${this.#classBody(f)}--[${this.#excluded(f)}]]`;
          break;
        case ".":
          out += `[^${this.#excluded(f)}]`;
          break;
        case "^":
          out += "(?<![^\\n])";
          break;
        case "$":
          out += "(?![^\\n])";
          break;
        case "*":
        case "+":
        case "?":
          out += c + this.#lazy(f);
          break;
        case "{": {
          const rep = /^(\d+)(,(\d*))?\}/.exec(this.#src.slice(this.#i));
          if (!rep) this.#fail("invalid repetition");
          this.#i += rep[0].length;
          out += `{${rep[1]}${rep[2] ?? ""}}${this.#lazy(f)}`;
          break;
        }
        case "\\": {
          const e = this.#escape(f, false);
          if ("code" in e) out += hexChar(e.code);
          else if ("set" in e) out += `[${e.set}--[${this.#excluded(f)}]]`;
          else out += e.assert;
          break;
        }
        case "\n":
          this.#noNewline(0x0a);
          break;
        default: {
          const code = c.codePointAt(0)!;
          if (code > 0xffff) this.#i++;
          out += /[A-Za-z0-9_]/.test(c) ? c : hexChar(code);
        }
      }
    }
  }

  /** `?` after a quantifier: makes it lazy, or (with the `U` flag) greedy. */
  #lazy(f: Flags): string {
    const explicit = this.#peek() === "?";
    if (explicit) this.#i++;
    return explicit !== f.U ? "?" : "";
  }

  translate(): string {
    return this.#sequence({ i: false, U: false, x: false, u: true }, 0);
  }
}

/**
 * Compiles a ripgrep pattern into a JavaScript `RegExp` with line semantics.
 *
 * @throws {PatternError} When the pattern is not valid Rust regex syntax (or uses a feature
 *   ripgrep rejects, such as a literal `\n`, look-around or backreferences).
 */
export function rustRegExp(pattern: string): RegExp {
  const source = new Translator(pattern).translate();
  try {
    return new RegExp(source, "v");
  } catch (err) {
    throw new PatternError(`regex parse error: ${(err as Error).message}`);
  }
}
