/**
 * What a nested tool call returns to the script: command tools give an object (`chunk_id`,
 * `wall_time_seconds`, `exit_code` or `session_id`, `original_token_count`, `output`), a patch
 * gives `{}`, JSON outputs are parsed, other text stays a string. A failed call rejects with
 * its output text.
 *
 * @module
 */

import type { ToolResult } from "../define.ts";
import { outputText } from "../../lib/protocol/items.ts";

/** Parses `exec_command` / `write_stdin` output text into upstream's object. */
export function parseExecReply(text: string): Record<string, unknown> | null {
  const at = text.indexOf("\nOutput:\n");
  if (at < 0 || !text.startsWith("Chunk ID: ") && !text.startsWith("Wall time: ")) return null;
  const head = text.slice(0, at).split("\n");
  const out: Record<string, unknown> = {};
  for (const line of head) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Chunk ID: (\S+)$/))) out.chunk_id = m[1];
    else if ((m = line.match(/^Wall time: ([\d.]+) seconds$/))) {
      out.wall_time_seconds = Number(m[1]);
    } else if ((m = line.match(/^Process exited with code (-?\d+)$/))) out.exit_code = Number(m[1]);
    else if ((m = line.match(/^Process running with session ID (\d+)$/))) {
      out.session_id = Number(m[1]);
    } else if ((m = line.match(/^Original token count: (\d+)$/))) {
      out.original_token_count = Number(m[1]);
    }
  }
  out.output = text.slice(at + "\nOutput:\n".length);
  return out;
}

/** The script's view of a tool result: `{ ok, value }` or `{ ok: false, error }`. */
export function scriptValue(
  tool: string,
  result: ToolResult,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = outputText(result.output);
  if (result.success === false) return { ok: false, error: text };
  if (tool === "exec_command" || tool === "write_stdin") {
    const parsed = parseExecReply(text);
    if (parsed) return { ok: true, value: parsed };
  }
  if (tool === "apply_patch") return { ok: true, value: {} };
  if (typeof result.output !== "string") return { ok: true, value: result.output };
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { ok: true, value: JSON.parse(trimmed) };
    } catch { /* plain text */ }
  }
  return { ok: true, value: text };
}
