/**
 * Shared set-up of the interactive session tests: a scripted fake Responses server, a git
 * workspace, a Codex home, and the real program (`deno run -A main.ts`) on a pseudo-terminal.
 *
 * @module
 */

import { join } from "node:path";
import {
  type FakeResponsesServer,
  type Script,
  startFakeResponses,
} from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, ROOT, testEnv } from "./helpers.ts";
import { PtyDriver } from "../lib/cli/interactive/pty_driver.ts";

/** A running session under test. */
export interface SessionUnderTest {
  server: FakeResponsesServer;
  ws: string;
  home: string;
  d: PtyDriver;
  /** Starts another program run on the same home and workspace. */
  restart(args?: string[]): Promise<PtyDriver>;
  /** Kills what is left and removes the temp folders. */
  close(): Promise<void>;
}

/** Options of {@linkcode openSession}. */
export interface OpenSessionOptions {
  args?: string[];
  files?: Record<string, string>;
  extraToml?: string;
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
}

/** The text the empty composer shows once the prompt is drawn. */
export const READY = /Ask denocodex to do anything/;

/** Starts the program on a terminal and waits until the session has loaded its configuration. */
export async function openSession(
  script: Script,
  opts: OpenSessionOptions = {},
): Promise<SessionUnderTest> {
  const server = startFakeResponses(script);
  const ws = await makeWorkspace(opts.files ?? { "README.md": "# demo\n" });
  const home = await makeHome(server.url, opts.extraToml ?? "");
  const drivers: PtyDriver[] = [];
  const start = async (args: string[]) => {
    const d = PtyDriver.start(
      [Deno.execPath(), "run", "-A", "--quiet", join(ROOT, "main.ts"), ...args],
      {
        cwd: ws,
        env: testEnv(home, opts.env ?? {}),
        cols: opts.cols ?? 100,
        rows: opts.rows ?? 30,
      },
    );
    drivers.push(d);
    await d.waitFor(READY);
    await d.waitFor(/>_ denocodex/);
    return d;
  };
  const d = await start(opts.args ?? []);
  return {
    server,
    ws,
    home,
    d,
    restart: (args = []) => start(args),
    async close() {
      for (const x of drivers) await x.kill().catch(() => {});
      await server.close();
      await cleanup(ws, home);
    },
  };
}

/** Waits until `cond()` holds (checked every 20 ms); throws after `timeoutMs`. */
export async function until(
  cond: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The `input` items of a recorded request body. */
export function inputOf(body: Record<string, unknown> | null): Record<string, unknown>[] {
  return (body?.input ?? []) as Record<string, unknown>[];
}

/** The text of a message item (all its text parts joined). */
export function textOf(item: Record<string, unknown>): string {
  const content = (item.content ?? []) as { text?: string }[];
  return content.map((c) => c.text ?? "").join("");
}

/** User messages typed by the person (harness context messages excluded). */
export function typedUserTexts(body: Record<string, unknown> | null): string[] {
  return inputOf(body)
    .filter((i) => i.type === "message" && i.role === "user")
    .map(textOf)
    .filter((t) => !t.startsWith("# AGENTS.md") && !t.includes("<environment_context>"));
}
