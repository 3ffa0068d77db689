/**
 * argv dispatch for the `denocodex` program. Every command returns an exit code; user errors are
 * printed as one line (`Error: ...`) without a stack trace.
 *
 * @module
 */

import { UserError } from "../config/errors.ts";
import { VERSION } from "../version.ts";
import type { CliIo } from "./io.ts";
import { compatOverrides, takeVllmEndpoint, withFlags } from "./vllm_endpoint.ts";

/** Top-level help. */
export const MAIN_HELP = `denocodex ${VERSION}: the Codex coding agent, as one Deno program.

Usage:
  denocodex [OPTIONS] [PROMPT]          Interactive session (one turn when stdin is piped)
  denocodex exec [OPTIONS] [PROMPT|-]   One non-interactive turn (--json for JSONL events)
  denocodex resume|fork [ID|--last] [PROMPT]  Continue (or copy) a saved session
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
  let compat: { url: string; close(): Promise<void> } | undefined;
  try {
    const { endpoint, rest } = takeVllmEndpoint(args);
    if (endpoint !== undefined) {
      const { startCompatServer } = await import("../../compat/mod.ts");
      compat = await startCompatServer({ backend: endpoint, provider: "vllm", port: 0 });
      return await dispatch(withFlags(rest, compatOverrides(compat.url)), io);
    }
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
  } finally {
    await compat?.close();
  }
}

/** `--put [HOME_DIR/]@HOST:PORT [--dry-run]`. */
async function putFlag(rest: string[], io: CliIo): Promise<number> {
  const dryRun = rest.includes("--dry-run");
  const others = rest.filter((a) => a !== "--dry-run");
  if (others.length !== 1) {
    throw new UserError("usage: denocodex --put [HOME_DIR/]@HOST:PORT [--dry-run]", 2);
  }
  const { putCommand } = await import("./put_cmd.ts");
  return await putCommand(others[0], {
    dryRun,
    env: io.env,
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

/** `--call SECRET-CALLID@HOST:PORT [COMMAND...]`: the rest runs with the downloaded home. */
async function callFlag(rest: string[], io: CliIo): Promise<number> {
  const [spec, ...command] = rest;
  if (!spec) throw new UserError("usage: denocodex --call SECRET-CALLID@HOST:PORT [COMMAND...]", 2);
  const { resolveCall } = await import("./put_cmd.ts");
  const { codexHome } = await resolveCall(spec, io.env);
  return await dispatch(command, { ...io, env: { ...io.env, CODEX_HOME: codexHome } });
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
    case "resume":
    case "fork": {
      const { resumeCommand } = await import("./resume_cmd.ts");
      return await resumeCommand(first, rest, io);
    }
    case "doctor": {
      const { doctorCommand } = await import("./doctor.ts");
      return await doctorCommand(rest, io.env, io.cwd, { stdout: io.stdout, stderr: io.stderr });
    }
    case "storage-server": {
      const { storageServerCommand } = await import("./storage_server_cmd.ts");
      return await storageServerCommand(rest, io.env, {
        stdout: io.stdout,
        stderr: io.stderr,
        cwd: io.cwd,
      });
    }
    case "compat-server": {
      const { compatServerCommand } = await import("./compat_server_cmd.ts");
      return await compatServerCommand(rest, io.env);
    }
    case "--put":
      return await putFlag(rest, io);
    case "--call":
      return await callFlag(rest, io);
    case "__code-mode-runner": {
      // Hidden: one code-mode cell (the agent starts this program as its script runner).
      const { runCodeModeRunner } = await import("../../tools/code_mode/runner.ts");
      return await runCodeModeRunner();
    }
  }
  // A terminal on stdin opens the interactive session (a prompt argument is its first turn);
  // piped stdin runs one turn and exits.
  const { interactiveCommand } = await import("./interactive/command.ts");
  return await interactiveCommand(args, io);
}
