/**
 * Gitignore-style globs compiled to regular expressions, with the semantics ripgrep uses for
 * ignore files and `--glob`: `*` and `?` never match `/`; `**` matches any number of whole path
 * components when it is a component of its own (`**` + `/x`, `x/` + `**`, `x/` + `**` + `/y`);
 * `[...]` classes (`!` or `^` negates) and `{a,b}` alternatives; `\` escapes.
 *
 * @module
 */

/** Thrown for a glob that cannot be compiled. */
export class GlobSyntaxError extends SyntaxError {
  constructor(glob: string, reason: string) {
    super(`Invalid glob "${glob}": ${reason}`);
    this.name = "GlobSyntaxError";
  }
}

function literal(c: string): string {
  return /[A-Za-z0-9_]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/** Compiles one bracket class starting at `glob[i] === "["`; returns the source and the next index. */
function compileClass(glob: string, start: number): [string, number] {
  let i = start + 1;
  let negated = false;
  if (glob[i] === "!" || glob[i] === "^") {
    negated = true;
    i++;
  }
  const items: string[] = [];
  let first = true;
  while (i < glob.length && (glob[i] !== "]" || first)) {
    first = false;
    let c = glob[i]!;
    if (c === "\\" && i + 1 < glob.length) c = glob[++i]!;
    if (glob[i + 1] === "-" && i + 2 < glob.length && glob[i + 2] !== "]") {
      let end = glob[i + 2]!;
      let skip = 3;
      if (end === "\\" && i + 3 < glob.length) {
        end = glob[i + 3]!;
        skip = 4;
      }
      if (end.codePointAt(0)! < c.codePointAt(0)!) {
        throw new GlobSyntaxError(glob, `invalid range ${c}-${end}`);
      }
      items.push(`${literal(c)}-${literal(end)}`);
      i += skip;
      continue;
    }
    items.push(literal(c));
    i++;
  }
  if (i >= glob.length) throw new GlobSyntaxError(glob, "unclosed character class");
  const body = items.join("");
  return [negated ? `[^${body}\\u{2f}]` : `[${body}]`, i + 1];
}

/**
 * The regular expression source (no anchors, for the `v` flag) of `glob`.
 *
 * @throws {GlobSyntaxError} For an unclosed class or alternative, a nested alternative, or `**`
 *   that is not a whole path component.
 */
export function globSource(glob: string): string {
  let out = "";
  let i = 0;
  let inAlt = false;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const atStart = i === 0 || glob[i - 1] === "/";
      const next = glob[i + 2];
      if (
        !atStart ||
        (next !== undefined && next !== "/" && !(inAlt && (next === "," || next === "}")))
      ) {
        throw new GlobSyntaxError(glob, "`**` must be a whole path component");
      }
      if (i === 0 && next === "/") {
        out += "(?:.*/)?"; // leading **/: any number of leading components
        i += 3;
      } else if (next === undefined) {
        out += ".*"; // trailing /** (or the whole glob **): everything below
        i += 2;
      } else if (next === "/") {
        out += "(?:.*/)?"; // a/**/b: zero or more components in between
        i += 3;
      } else {
        out += ".*";
        i += 2;
      }
      continue;
    }
    switch (c) {
      case "*":
        out += "[^\\u{2f}]*";
        i++;
        break;
      case "?":
        out += "[^\\u{2f}]";
        i++;
        break;
      case "[": {
        const [src, next] = compileClass(glob, i);
        out += src;
        i = next;
        break;
      }
      case "{":
        if (inAlt) throw new GlobSyntaxError(glob, "nested alternatives are not allowed");
        inAlt = true;
        out += "(?:";
        i++;
        break;
      case "}":
        if (inAlt) {
          inAlt = false;
          out += ")";
        } else {
          out += literal(c);
        }
        i++;
        break;
      case ",":
        out += inAlt ? "|" : literal(c);
        i++;
        break;
      case "\\":
        if (i + 1 < glob.length) {
          out += literal(glob[i + 1]!);
          i += 2;
        } else {
          throw new GlobSyntaxError(glob, "dangling escape");
        }
        break;
      default:
        out += c === "/" ? "/" : literal(c);
        i++;
    }
  }
  if (inAlt) throw new GlobSyntaxError(glob, "unclosed alternative");
  return out;
}

/** Compiles `glob` into an anchored regular expression over `/`-separated paths. */
export function globRegExp(glob: string): RegExp {
  return new RegExp(`^(?:${globSource(glob)})$`, "v");
}
