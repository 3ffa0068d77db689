/**
 * Server-sent event framing of Responses events: `event: <type>` and one `data:` line of compact
 * JSON, then a blank line. JSON never contains a raw newline, so one data line always suffices.
 *
 * @module
 */

/** One SSE frame for an event of `type` whose JSON text is `json`. */
export function sseFrame(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

/** Response headers of an SSE answer. */
export function sseHeaders(requestId: string): Record<string, string> {
  return {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": requestId,
  };
}
