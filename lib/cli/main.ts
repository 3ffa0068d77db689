/**
 * argv dispatch for the `denocodex` program. Every command returns an exit code; user errors are
 * printed as one line (`Error: ...`) without a stack trace.
 *
 * @module
 */

import { UserError } from "../config/errors.ts";
import { VERSION } from "../version.ts";
import type { CliIo } from "./io.ts";

/** Top-level help. */
export const MAIN_HELP = `denocodex ${VERSION}: the Codex coding agent, as one Deno program.

Usage:
  denocodex [OPTIONS] [PROMPT]          Interactive session (one turn when stdin is piped)
  denocodex exec [OPTIONS] [PROMPT|-]   One non-interactive turn (--json for JSONL events)
  denocodex doctor [--json] [--skip-live]
  denocodex compat-server --port PORT --backend URL [--provider NAME]
  denocodex storage-server --port PORT --root DIR
  denocodex --put [HOME_DIR/]@HOST:PORT [--dry-run]
  denocodex --call SECRET-CALLID@HOST:PORT [COMMAND...]
  denocodex --version

Run 'denocodex exec --help' for the options of a turn.
`;

/** Runs the program with `args`; returns the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(args, io);
  } catch (err) {
    if (err instanceof UserError) {
      io.stderr(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`Error: ${message}\n`);
    if (io.env.DENOCODEX_DEBUG && err instanceof Error && err.stack) io.stderr(err.stack + "\n");
    return 1;
  }
}

async function dispatch(args: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = args;
  switch (first) {
    case "--version":
    case "-V":
      io.stdout(`denocodex ${VERSION}\n`);
      return 0;
    case "--help":
    case "-h":
    case "help":
      io.stdout(MAIN_HELP);
      return 0;
    case "exec":
    case "e": {
      const { execCommand } = await import("./exec.ts");
      return await execCommand(rest, io);
    }
  }
  if (first === undefined && io.stdinIsTty) {
    io.stdout(MAIN_HELP);
    return 0;
  }
  // Non-interactive fallback: one turn, as `exec`.
  const { execCommand } = await import("./exec.ts");
  return await execCommand(args, io);
}
