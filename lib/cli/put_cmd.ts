/**
 * `denocodex --put [HOME_DIR/]@HOST:PORT [--dry-run]` and the home behind
 * `denocodex --call SECRET-CALLID@HOST:PORT ...`.
 *
 * @module
 */

import { resolve } from "../path.ts";
import { UserError } from "../config/errors.ts";
import { codexHome } from "../config/home.ts";
import { callHome, putHome } from "../portable/client.ts";
import type { FetchFn } from "../portable/http.ts";
import { parsePutSpec } from "../portable/spec.ts";

/** Options of {@linkcode putCommand}. */
export interface PutCommandOptions {
  /** `--dry-run`: list what would go, upload nothing. */
  dryRun: boolean;
  env: Record<string, string | undefined>;
  /** Relative `HOME_DIR`s resolve against this. */
  cwd: string;
  /** Receives text with its trailing newline. */
  stdout: (text: string) => void;
  /** Receives text with its trailing newline. */
  stderr: (text: string) => void;
  fetch?: FetchFn;
  signal?: AbortSignal;
}

function expandTilde(path: string, env: Record<string, string | undefined>): string {
  if ((path === "~" || path.startsWith("~/")) && env.HOME) return env.HOME + path.slice(1);
  return path;
}

/**
 * Runs `--put SPEC`. Progress goes to stdout, the last line being
 * `denocodex --call SECRET-CALLID@HOST:PORT`; a failure is one `Error: ...` line on stderr.
 * Returns the exit code (0, or the error's exit code).
 */
export async function putCommand(spec: string, opts: PutCommandOptions): Promise<number> {
  try {
    const parsed = parsePutSpec(spec);
    const homeDir = parsed.homeDir
      ? resolve(opts.cwd, expandTilde(parsed.homeDir, opts.env))
      : codexHome(opts.env);
    await putHome({
      homeDir,
      target: parsed.target,
      dryRun: opts.dryRun,
      out: (line) => opts.stdout(`${line}\n`),
      fetch: opts.fetch,
      signal: opts.signal,
    });
    return 0;
  } catch (err) {
    if (err instanceof UserError) {
      opts.stderr(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    opts.stderr(`Error: --put failed unexpectedly: ${err instanceof Error ? err.message : err}\n`);
    return 1;
  }
}

/** Extra options of {@linkcode resolveCall}. */
export interface ResolveCallOptions {
  fetch?: FetchFn;
  signal?: AbortSignal;
  /** Overrides where called homes live (default `$XDG_STATE_HOME/denocodex/called`). */
  root?: string;
}

/**
 * Downloads, verifies, decrypts and installs the bundle of a `--call` token, and returns the
 * private Codex home to run with (set `CODEX_HOME` to it for the rest of the command line).
 * Throws a `UserError` (a `PortableError`) with one line when the token is wrong, cut off or the
 * bundle was altered; in that case nothing has been written.
 */
export async function resolveCall(
  spec: string,
  env: Record<string, string | undefined>,
  opts: ResolveCallOptions = {},
): Promise<{ codexHome: string }> {
  const called = await callHome(spec, { env, ...opts });
  return { codexHome: called.codexHome };
}
