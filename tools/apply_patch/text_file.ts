/**
 * A text file as lines that remember their own line ending, so an update rewrites only the lines
 * it changes: untouched and context lines keep their `\n` or `\r\n`, new lines get the ending of
 * the file's first line (as upstream 0.169 does), and the result always ends with a line ending.
 *
 * @module
 */

/** A file split into lines. `eols[i]` is the ending of `lines[i]` (`""` only for a last line without one). */
export interface TextFile {
  lines: string[];
  eols: string[];
  /** The ending given to new lines: the first line's, `\n` when the file has none. */
  eol: string;
}

/** Splits file content into lines and their endings. */
export function splitText(content: string): TextFile {
  const lines = content.split("\n");
  const eols: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith("\r")) {
      lines[i] = l.slice(0, -1);
      eols[i] = "\r\n";
    } else {
      eols[i] = "\n";
    }
  }
  // The element after the final "\n" (or of an empty file) is not a line.
  if (lines[lines.length - 1] === "") {
    lines.pop();
    eols.pop();
  } else if (eols[lines.length - 1] === "\n") {
    eols[lines.length - 1] = "";
  }
  return { lines, eols, eol: eols.length > 0 && eols[0] !== "" ? eols[0] : "\n" };
}

/** Joins lines back, ending the last line with the file's ending when it has none. */
export function joinText(file: TextFile): string {
  const { lines, eols } = file;
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    out += lines[i] + (eols[i] === "" ? file.eol : eols[i]);
  }
  return out;
}
