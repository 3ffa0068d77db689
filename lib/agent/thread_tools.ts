/**
 * Per-thread instances of the stateful local tools: unified exec sessions (with `apply_patch`
 * heredocs routed to the patch tool, as upstream intercepts them) and the patch tool.
 *
 * They are declared at once from their recorded specs and loaded together on the first call of
 * any of them (`thread_tools_impl.ts`), so a thread that runs no command never loads the exec
 * manager, the PTY layer or the patch engine.
 *
 * @module
 */

import type { Tool } from "../../tools/tool.ts";
import { builtinTool } from "../../tools/builtin.ts";
import { once } from "../../tools/lazy.ts";
import type { LoadedThreadTools } from "./thread_tools_impl.ts";

/** Stateful tools of one thread and how to stop them. */
export interface ThreadTools {
  execTools: { execCommand: Tool; writeStdin: Tool; shell: Tool; shellCommand: Tool };
  applyPatch: Tool;
  localTools: Record<string, Tool>;
  /** Kills every process group the thread's sessions started (nothing when none loaded). */
  shutdown(): Promise<void>;
}

/** Local tools offered through `[tools] extra`, loaded only when named there. */
const LOCAL_TOOLS: Record<string, () => Promise<Tool>> = {
  read_file: async () => (await import("../../tools/read_file.ts")).createReadFileTool(),
  list_dir: async () => (await import("../../tools/list_dir.ts")).createListDirTool(),
  grep_files: async () => (await import("../../tools/grep_files.ts")).createGrepFilesTool(),
};

/** Creates the stateful tools of a new thread; `extra` names the optional local tools wanted. */
export function createThreadTools(extra: string[] = []): ThreadTools {
  const localTools: Record<string, Tool> = {};
  for (const name of extra) {
    const make = LOCAL_TOOLS[name];
    if (make) localTools[name] = builtinTool(name, make);
  }
  let started: Promise<LoadedThreadTools> | undefined;
  const load = once(() =>
    started = import("./thread_tools_impl.ts").then((m) => m.loadThreadTools())
  );
  const tool = (name: keyof LoadedThreadTools["tools"]) =>
    builtinTool(name, async () => (await load()).tools[name]);
  return {
    execTools: {
      execCommand: tool("exec_command"),
      writeStdin: tool("write_stdin"),
      shell: tool("shell"),
      shellCommand: tool("shell_command"),
    },
    applyPatch: tool("apply_patch"),
    localTools,
    shutdown: async () => {
      const loaded = await started?.catch(() => undefined);
      await loaded?.shutdown();
    },
  };
}
