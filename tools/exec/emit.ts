/**
 * Streaming a command's output to the thread as `exec_command_output_delta` events.
 *
 * @module
 */

import type { ToolContext } from "../define.ts";

/** Deltas emitted per call at most (upstream's limit); the output itself is not affected. */
export const MAX_DELTAS_PER_CALL = 10_000;

/** An `onOutput` callback that emits UTF-8-safe text deltas for `callId`, up to the limit. */
export function deltaEmitter(ctx: ToolContext, callId: string): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  let sent = 0;
  return (chunk) => {
    if (sent >= MAX_DELTAS_PER_CALL) return;
    const text = decoder.decode(chunk, { stream: true });
    if (text === "") return;
    sent++;
    ctx.emit({ type: "exec_command_output_delta", call_id: callId, chunk: text });
  };
}
