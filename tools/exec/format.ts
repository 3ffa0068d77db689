/**
 * Output texts of the command tools, in upstream Codex's formats.
 *
 * `exec_command` / `write_stdin`:
 * ```text
 * Chunk ID: 3f9a1c
 * Wall time: 0.0123 seconds
 * Process exited with code 0            (or: Process running with session ID 1000)
 * Original token count: 3
 * Output:
 * hello
 * ```
 * Tokens are estimated as UTF-8 bytes / 4, rounded up. Output over the budget (default 10,000
 * tokens) keeps its beginning and end, half the byte budget each, cut on character boundaries,
 * with `…N tokens truncated…` in between and a `Total output lines: L` header.
 *
 * `shell` / `shell_command`: `Exit code: N`, `Wall time: S seconds` (one decimal), `Output:`.
 *
 * @module
 */

import { countNewlines, type OutputSnapshot } from "./head_tail_buffer.ts";

/** Token budget of an output when the model does not set `max_output_tokens`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

/** Upstream's token estimate: UTF-8 bytes / 4, rounded up. */
export function approxTokensFromBytes(bytes: number): number {
  return Math.ceil(Math.max(0, bytes) / 4);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** True when `b` is a UTF-8 continuation byte. */
function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

/** `bytes[0, n)` shortened to end on a character boundary (never inside a character). */
function headOf(bytes: Uint8Array, n: number): Uint8Array {
  let end = Math.min(n, bytes.length);
  if (end < bytes.length) {
    while (end > 0 && isContinuation(bytes[end])) end--;
    return bytes.subarray(0, end);
  }
  // The data itself may stop inside a character: drop an incomplete last character.
  let lead = end - 1;
  while (lead > 0 && isContinuation(bytes[lead])) lead--;
  if (lead < 0) return bytes;
  const b = bytes[lead];
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return end - lead < need ? bytes.subarray(0, lead) : bytes;
}

/** The last `n` bytes of `bytes`, shortened to start on a character boundary. */
function tailOf(bytes: Uint8Array, n: number): Uint8Array {
  let start = Math.max(0, bytes.length - n);
  while (start < bytes.length && isContinuation(bytes[start])) start++;
  return bytes.subarray(start);
}

/** Rust's `str::lines().count()` for a byte stream. */
function lineCount(newlines: number, totalBytes: number, lastByte: number | undefined): number {
  if (totalBytes === 0) return 0;
  return newlines + (lastByte === 10 ? 0 : 1);
}

/** A command's output made ready for the model. */
export interface TruncatedOutput {
  /** The text to show (possibly with the middle cut out). */
  text: string;
  /** Estimated tokens of the whole output, before truncation. */
  originalTokenCount: number;
}

/**
 * Cuts the middle out of an output longer than `maxTokens` (estimated), as upstream does.
 * Accepts a plain string or a {@linkcode OutputSnapshot} whose middle may already be dropped.
 */
export function truncateOutput(
  output: string | OutputSnapshot,
  maxTokens: number = DEFAULT_MAX_OUTPUT_TOKENS,
): TruncatedOutput {
  const snap: OutputSnapshot = typeof output === "string"
    ? { head: encoder.encode(output), tail: new Uint8Array(), omittedBytes: 0, omittedNewlines: 0 }
    : output;
  const budget = Math.max(0, Math.floor(maxTokens)) * 4;
  let whole: Uint8Array | null = null;
  if (snap.omittedBytes === 0) {
    whole = snap.tail.length === 0
      ? snap.head
      : new Uint8Array(snap.head.length + snap.tail.length);
    if (whole !== snap.head) {
      whole.set(snap.head);
      whole.set(snap.tail, snap.head.length);
    }
  }
  const total = snap.head.length + snap.omittedBytes + snap.tail.length;
  const originalTokenCount = approxTokensFromBytes(total);
  if (whole && total <= budget) {
    return {
      text: typeof output === "string" ? output : decoder.decode(whole),
      originalTokenCount,
    };
  }

  const newlines = countNewlines(snap.head) + snap.omittedNewlines + countNewlines(snap.tail);
  const last = snap.tail.length > 0
    ? snap.tail[snap.tail.length - 1]
    : snap.head[snap.head.length - 1];
  const header = `Total output lines: ${lineCount(newlines, total, last)}\n\n`;
  if (budget === 0) {
    return {
      text: `${header}…${approxTokensFromBytes(total)} tokens truncated…`,
      originalTokenCount,
    };
  }
  const left = Math.floor(budget / 2);
  const right = budget - left;
  let prefix: Uint8Array;
  let suffix: Uint8Array;
  let removedBytes: number;
  if (whole) {
    prefix = headOf(whole, left);
    suffix = tailOf(whole, right);
    removedBytes = total - budget;
  } else {
    prefix = headOf(snap.head, left);
    suffix = tailOf(snap.tail, right);
    removedBytes = total - prefix.length - suffix.length;
  }
  const marker = `…${approxTokensFromBytes(removedBytes)} tokens truncated…`;
  return {
    text: header + decoder.decode(prefix) + marker + decoder.decode(suffix),
    originalTokenCount,
  };
}

/** The parts of an `exec_command` / `write_stdin` reply. */
export interface ExecReply {
  /** Six hex characters identifying this chunk of output. */
  chunkId: string;
  /** Time spent in this call, in milliseconds. */
  wallTimeMs: number;
  /** The exit code, or `null` while the process runs. */
  exitCode: number | null;
  /** The session to poll or write to, while the process runs. */
  sessionId: number | null;
  /** Estimated tokens of the output before truncation. */
  originalTokenCount: number;
  /** The (already truncated) output text. */
  output: string;
}

/** The text an `exec_command` / `write_stdin` call returns to the model. */
export function formatExecReply(r: ExecReply): string {
  const lines: string[] = [];
  if (r.chunkId) lines.push(`Chunk ID: ${r.chunkId}`);
  lines.push(`Wall time: ${(r.wallTimeMs / 1000).toFixed(4)} seconds`);
  if (r.exitCode !== null) lines.push(`Process exited with code ${r.exitCode}`);
  if (r.sessionId !== null && r.exitCode === null) {
    lines.push(`Process running with session ID ${r.sessionId}`);
  }
  lines.push(`Original token count: ${r.originalTokenCount}`, "Output:", r.output);
  return lines.join("\n");
}

/** The text a `shell` / `shell_command` call returns to the model. */
export function formatShellReply(r: {
  exitCode: number;
  wallTimeMs: number;
  output: string | OutputSnapshot;
  maxOutputTokens?: number;
}): string {
  const { text } = truncateOutput(r.output, r.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
  // One decimal, printed like upstream's float formatting ("0", "1.5", "12").
  const seconds = String(Math.round(r.wallTimeMs / 100) / 10);
  return `Exit code: ${r.exitCode}\nWall time: ${seconds} seconds\nOutput:\n${text}`;
}

/** A snapshot as text; a dropped middle shows as `[... N bytes omitted ...]`. */
export function snapshotText(snap: OutputSnapshot): string {
  if (snap.omittedBytes === 0) {
    return decoder.decode(snap.head, { stream: true }) + decoder.decode(snap.tail);
  }
  const head = headOf(snap.head, snap.head.length);
  const tail = tailOf(snap.tail, snap.tail.length);
  const omitted = snap.omittedBytes + (snap.head.length - head.length) +
    (snap.tail.length - tail.length);
  return `${decoder.decode(head)}\n[... ${omitted} bytes omitted ...]\n${decoder.decode(tail)}`;
}
