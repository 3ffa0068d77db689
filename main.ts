/**
 * The `denocodex` program: `deno run -A main.ts [ARGS]`, a bundle of it, or the compiled binary.
 *
 * @module
 */

import { runCli } from "./lib/cli/main.ts";
import { processIo } from "./lib/cli/io.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, processIo());
  Deno.exit(code);
}
