/**
 * The texts `apply_patch` returns to the model, in upstream's exact formats.
 *
 * @module
 */

import type { PatchSummary } from "./apply.ts";

/** `Success. Updated the following files:` then `A`, `M`, `D` lines (each ending in `\n`). */
export function formatSummary(summary: PatchSummary): string {
  let out = "Success. Updated the following files:\n";
  for (const p of summary.added) out += `A ${p}\n`;
  for (const p of summary.modified) out += `M ${p}\n`;
  for (const p of summary.deleted) out += `D ${p}\n`;
  return out;
}

/** Seconds rounded to a tenth, printed without a trailing `.0` (`0`, `0.2`, `1.5`). */
export function formatWallTime(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/** The output of an applied patch. */
export function successOutput(summary: PatchSummary, ms: number): string {
  return `Exit code: 0\nWall time: ${formatWallTime(ms)} seconds\nOutput:\n${
    formatSummary(summary)
  }`;
}

/** The output of a verified patch whose writes failed (nothing was changed). */
export function writeFailureOutput(reason: string, ms: number): string {
  return `Exit code: 1\nWall time: ${formatWallTime(ms)} seconds\nOutput:\n${reason}\n`;
}
