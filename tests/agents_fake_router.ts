/**
 * A fake Responses server for nested (multi-thread) runs: each request is answered by a route
 * chosen from the request itself (which thread sent it, what its last input is), so concurrent
 * sub-agents get their scripted answers whatever order their requests arrive in. SSE bodies are
 * built by the scripted fake server's `buildEvents`.
 */
import { buildEvents, type ScriptTurn } from "./fakes/responses_server.ts";

/** A request as the router saw it. */
export interface RoutedRequest {
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Which route answered. */
  route: string;
}

/** Picks the answer of a request: a route name (for the record) and a scripted turn. */
export type Router = (req: RoutedRequest & { input: Record<string, unknown>[] }) =>
  | { route: string; turn: ScriptTurn }
  | Promise<{ route: string; turn: ScriptTurn }>;

/** A running router. */
export interface FakeRouter {
  url: string;
  requests: RoutedRequest[];
  close(): Promise<void>;
}

/** The text of the last user message of `input` (its parts joined). */
export function lastUserText(input: Record<string, unknown>[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as { type?: string; role?: string; content?: { text?: string }[] };
    if (item.type === "message" && item.role === "user") {
      return (item.content ?? []).map((p) => p.text ?? "").join("");
    }
  }
  return "";
}

/** The parsed JSON outputs of `function_call_output` items in `input`, in order. */
export function functionOutputs(input: Record<string, unknown>[]): unknown[] {
  return input.filter((i) => i.type === "function_call_output").map((i) => {
    try {
      return JSON.parse(String(i.output));
    } catch {
      return i.output;
    }
  });
}

/** Starts the router on 127.0.0.1. */
export function startRouter(router: Router): FakeRouter {
  const requests: RoutedRequest[] = [];
  const holds = new Set<() => void>();
  let n = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const body = await req.json().catch(() => ({})) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const input = (body.input ?? []) as Record<string, unknown>[];
      const { route, turn } = await router({ headers, body, route: "", input });
      requests.push({ headers, body, route });
      if (turn.delay_ms) {
        // Closing the router ends pending delays (held requests of closed agents).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            holds.delete(release);
            resolve();
          }, turn.delay_ms);
          const release = () => {
            clearTimeout(timer);
            resolve();
          };
          holds.add(release);
        });
      }
      const events = buildEvents(turn, ++n);
      return new Response(events.join(""), { headers: { "content-type": "text/event-stream" } });
    },
  );
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => {
      for (const release of holds) release();
      holds.clear();
      return server.shutdown();
    },
  };
}
