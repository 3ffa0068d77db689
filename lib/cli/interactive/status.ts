/**
 * Small formatting helpers of the session: elapsed time, token counts, the context-window
 * meter and the spinner frames.
 *
 * @module
 */

import type { Usage } from "../../protocol/events.ts";
import { formatCount } from "../count.ts";

/** Spinner frames (braille dots), advanced every {@linkcode SPINNER_MS}. */
export const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Milliseconds per spinner frame. */
export const SPINNER_MS = 80;

/** `4s`, `1m 05s`, `2h 03m 04s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A duration for tool lines: `120ms`, `1.2s`, `1m 05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return formatElapsed(ms);
}

/** `12,345`. */
export function formatTokens(n: number): string {
  return formatCount(n);
}

/**
 * Tokens the model reserves for its own instructions and tools; the meter measures what is
 * left of the rest of the window (so a fresh conversation shows 100%).
 */
export const CONTEXT_BASELINE_TOKENS = 12_000;

/**
 * Percent of the context window still free after a request that used `tokensInContext`
 * tokens (its input plus its output), with the fixed baseline left out of both sides.
 */
export function contextLeftPercent(tokensInContext: number, contextWindow: number): number {
  if (contextWindow <= CONTEXT_BASELINE_TOKENS) return 0;
  const effective = contextWindow - CONTEXT_BASELINE_TOKENS;
  const used = Math.max(0, tokensInContext - CONTEXT_BASELINE_TOKENS);
  const left = Math.max(0, effective - used);
  return Math.round(Math.min(100, (left / effective) * 100));
}

/** Tokens of the context after a request: what it read plus what it wrote. */
export function tokensInContext(last: Usage): number {
  return last.input_tokens + last.output_tokens;
}

/** One line of token usage: `1,234 in (1,000 cached) · 56 out (12 reasoning)`. */
export function usageSummary(u: Usage): string {
  let s = `${formatTokens(u.input_tokens)} in`;
  if (u.cached_input_tokens > 0) s += ` (${formatTokens(u.cached_input_tokens)} cached)`;
  s += ` · ${formatTokens(u.output_tokens)} out`;
  if (u.reasoning_output_tokens > 0) {
    s += ` (${formatTokens(u.reasoning_output_tokens)} reasoning)`;
  }
  return s;
}

/** A ten-cell bar for a percentage: `▰▰▰▰▱▱▱▱▱▱`. */
export function meterBar(percent: number, cells = 10): string {
  const full = Math.round((Math.max(0, Math.min(100, percent)) / 100) * cells);
  return "▰".repeat(full) + "▱".repeat(cells - full);
}
