/**
 * Code mode: the model writes JavaScript (`exec`) that runs in a separate, permission-less Deno
 * process and calls the thread's tools through `tools.<name>(args)`; `wait` polls or stops a
 * running cell.
 *
 * @module
 */

export { CodeModeHost, type CodeModeHostOptions } from "./host.ts";
export { createExecTool, createWaitTool, EXEC_GRAMMAR, execDescription } from "./tools.ts";
export { parseExecInput } from "./pragma.ts";
export { runnerCommand } from "./command.ts";
export { RUNNER_ARG } from "./protocol.ts";
export { runCodeModeRunner } from "./runner.ts";
