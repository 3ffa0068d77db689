/**
 * Patches as coloured diffs: one header per file (`• Edited path (+3 -1)`) and its hunks with
 * line numbers, `+` lines green and `-` lines red; long diffs are cut with a count of what was
 * left out. Also colours whole `git diff` output for `/diff`.
 *
 * @module
 */

import type { FileChange } from "../../protocol/events.ts";
import { highlightDiffLine } from "./highlight.ts";
import type { Style } from "./style.ts";
import { hardWrap } from "./width.ts";

/** Options of {@linkcode renderFileChange}. */
export interface DiffViewOptions {
  style: Style;
  width: number;
  /** Paths under this folder are shown relative to it. */
  cwd?: string;
  /** Diff lines shown per file before cutting (default 60). */
  maxLines?: number;
}

/** `path` relative to `cwd` when inside it. */
export function relativePath(path: string, cwd?: string): string {
  if (cwd && path.startsWith(cwd + "/")) return path.slice(cwd.length + 1);
  return path;
}

/** Counts added and removed lines of a unified diff. */
export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) added++;
    else if (line.startsWith("-") && !line.startsWith("---")) removed++;
  }
  return { added, removed };
}

const VERB = { add: "Added", update: "Edited", delete: "Deleted" } as const;

/** Rows for one changed file: a header and its numbered, coloured hunks. */
export function renderFileChange(change: FileChange, opts: DiffViewOptions): string[] {
  const { style, width } = opts;
  const max = opts.maxLines ?? 60;
  const path = relativePath(change.path, opts.cwd);
  const moved = change.move_path ? ` → ${relativePath(change.move_path, opts.cwd)}` : "";
  const stats = change.diff ? diffStats(change.diff) : undefined;
  const counts = stats
    ? ` (${style.green(`+${stats.added}`)} ${style.red(`-${stats.removed}`)})`
    : "";
  const rows = [`${style.bold(VERB[change.kind])} ${path}${moved}${counts}`];
  if (!change.diff) return rows;
  const lines = change.diff.replace(/\n$/, "").split("\n");
  // Line numbers: the new file's for context and additions, the old file's for removals.
  let oldNo = 0;
  let newNo = 0;
  let maxNo = 0;
  for (const l of lines) {
    const m = l.match(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/);
    if (m) {
      maxNo = Math.max(
        maxNo,
        Number(m[1]) + Number(m[2] ?? 1),
        Number(m[3]) + Number(m[4] ?? 1),
      );
    }
  }
  const gutter = String(maxNo).length;
  let shown = 0;
  let firstHunk = true;
  for (const l of lines) {
    const m = l.match(/^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/);
    if (m) {
      oldNo = Number(m[1]);
      newNo = Number(m[2]);
      if (!firstHunk) {
        rows.push(`    ${style.dim("⋮")}`);
        shown++;
      }
      firstHunk = false;
      continue;
    }
    if (shown >= max) {
      const left = lines.filter((x) => /^[+\- ]/.test(x)).length - shown;
      if (left > 0) rows.push(style.dim(`    … ${left} more diff lines`));
      break;
    }
    const sign = l[0] ?? " ";
    const text = l.slice(1);
    let no: number;
    if (sign === "-") no = oldNo++;
    else if (sign === "+") no = newNo++;
    else {
      no = newNo++;
      oldNo++;
    }
    const num = style.dim(String(no || "").padStart(gutter));
    const body = sign === "+"
      ? style.green(`+${text}`)
      : sign === "-"
      ? style.red(`-${text}`)
      : ` ${text}`;
    for (const r of hardWrap(`    ${num} ${body}`, width)) rows.push(r);
    shown++;
  }
  return rows;
}

/** Colours `git diff` output line by line. */
export function renderGitDiff(text: string, style: Style, width: number): string[] {
  const rows: string[] = [];
  for (const line of text.replace(/\n$/, "").split("\n")) {
    for (const r of hardWrap(highlightDiffLine(line.replace(/\t/g, "    "), style), width)) {
      rows.push(r);
    }
  }
  return rows;
}
