/**
 * Code mode: the model writes JavaScript (`exec`) that runs in a separate, permission-less Deno
 * process and calls the thread's tools through `tools.<name>(args)`; `wait` polls or stops a
 * running cell. {@linkcode codeModeSurface} adds the rest of upstream's code-mode surface:
 * `request_user_input_async`, the `clock` and `collaboration` namespaces and script-only tools.
 *
 * @module
 */

export { CodeModeHost, type CodeModeHostOptions } from "./host.ts";
export { createExecTool, createWaitTool, EXEC_GRAMMAR, execDescription } from "./tools.ts";
export { parseExecInput } from "./pragma.ts";
export { runnerCommand } from "./command.ts";
export { RUNNER_ARG } from "./protocol.ts";
export { runCodeModeRunner } from "./runner.ts";
export {
  additionalToolsEntries,
  type CodeModeSurface,
  codeModeSurface,
  type CodeModeSurfaceOptions,
} from "./surface.ts";
export { clockNamespace, createCurrTimeTool, createSleepTool } from "./clock.ts";
export { createRequestUserInputAsyncTool } from "./request_user_input_async.ts";
