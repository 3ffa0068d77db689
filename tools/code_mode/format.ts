/**
 * The output of `exec` and `wait`, in upstream's format: `input_text` parts, the first one
 * `<status>\nWall time <s.s> seconds\nOutput:\n`, then what the script produced since the last
 * report (texts and images), then `Script error:\n<error>` when it failed. Text over the token
 * budget (4 bytes a token) is merged and cut in the middle under a
 * `Warning: truncated output (original token count: N)` line. A report with nothing but the
 * header is sent as a plain string.
 *
 * @module
 */

import type { ContentPart, ToolOutputBody } from "../../lib/protocol/items.ts";
import { approxTokensFromBytes, truncateOutput } from "../exec/format.ts";

/** Default token budget of a report. */
export const DEFAULT_MAX_TOKENS = 10_000;

/** `Script completed` and friends. */
export type CellStatus =
  | { kind: "completed" }
  | { kind: "failed" }
  | { kind: "running"; cellId: string }
  | { kind: "terminated" };

function statusLine(s: CellStatus): string {
  switch (s.kind) {
    case "completed":
      return "Script completed";
    case "failed":
      return "Script failed";
    case "running":
      return `Script running with cell ID ${s.cellId}`;
    case "terminated":
      return "Script terminated";
  }
}

const encoder = new TextEncoder();

/** Builds a report. */
export function formatReport(opts: {
  status: CellStatus;
  wallMs: number;
  items: ContentPart[];
  error?: string;
  maxTokens?: number;
}): ToolOutputBody {
  const seconds = (Math.max(0, opts.wallMs) / 1000).toFixed(1);
  const header = `${statusLine(opts.status)}\nWall time ${seconds} seconds\nOutput:\n`;
  let items = opts.items;
  const texts = items.filter((p) => p.type === "input_text") as { text: string }[];
  const budget = Math.max(1, Math.floor(opts.maxTokens ?? DEFAULT_MAX_TOKENS));
  const joined = texts.map((t) => t.text).join("\n");
  const tokens = approxTokensFromBytes(encoder.encode(joined).length);
  if (tokens > budget) {
    const cut = truncateOutput(joined, budget);
    const merged: ContentPart = {
      type: "input_text",
      text: `Warning: truncated output (original token count: ${tokens})\n${cut.text}`,
    };
    let placed = false;
    items = items.flatMap((p): ContentPart[] => {
      if (p.type !== "input_text") return [p];
      if (placed) return [];
      placed = true;
      return [merged];
    });
  }
  const parts: ContentPart[] = [{ type: "input_text", text: header }, ...items];
  if (opts.error !== undefined) {
    parts.push({ type: "input_text", text: `Script error:\n${opts.error}` });
  }
  return parts.length === 1 ? header : parts;
}
