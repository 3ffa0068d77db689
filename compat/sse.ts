/**
 * Server-sent event framing of Responses events: `event: <type>` and one `data:` line of compact
 * JSON, then a blank line. JSON never contains a raw newline, so one data line always suffices.
 *
 * @module
 */

import type { ResponseEvent } from "./responses_types.ts";

/** One SSE frame for `event`. */
export function sseFrame(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Response headers of an SSE answer. */
export function sseHeaders(requestId: string): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": requestId,
  };
}
