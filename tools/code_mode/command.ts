/**
 * How a cell's runner process is started. From source, this folder's `runner.ts` runs directly
 * (`deno run` with no permissions, no config). Bundled or compiled, the main program runs itself
 * with the hidden `__code-mode-runner` argument (the runner then revokes its permissions).
 *
 * @module
 */

import { RUNNER_ARG } from "./protocol.ts";

/** True inside a binary made by `deno compile`. */
export function isCompiled(moduleUrl: string = import.meta.url): boolean {
  return moduleUrl.includes("/deno-compile-");
}

/** The argv that starts a runner. */
export function runnerCommand(moduleUrl: string = import.meta.url): string[] {
  const exe = Deno.execPath();
  if (isCompiled(moduleUrl)) return [exe, RUNNER_ARG];
  const runner = new URL("./runner.ts", moduleUrl);
  if (runner.protocol === "file:" && moduleUrl.endsWith("/command.ts")) {
    return [exe, "run", "--quiet", "--no-prompt", "--no-config", "--no-lock", runner.href];
  }
  // Bundled: the bundle is the main module; it dispatches the hidden argument first.
  return [
    exe,
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    Deno.mainModule,
    RUNNER_ARG,
  ];
}
