/**
 * The `denocodex` program: `deno run -A main.ts [ARGS]`, a bundle of it, or the compiled binary.
 *
 * @module
 */

import { runCli } from "./lib/cli/main.ts";
import { processIo } from "./lib/cli/io.ts";

if (import.meta.main) {
  let code: number;
  if (Deno.args[0] === "__code-mode-runner") {
    // A code-mode cell runner (the bundle started as one, without permissions): it must not
    // read the environment or the working directory as the CLI's io does.
    const { runCodeModeRunner } = await import("./tools/code_mode/runner.ts");
    code = await runCodeModeRunner();
  } else {
    code = await runCli(Deno.args, processIo());
  }
  Deno.exit(code);
}
