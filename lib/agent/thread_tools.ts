/**
 * Per-thread instances of the stateful local tools (exec sessions, patches, file tools).
 *
 * @module
 */

import type { Tool } from "../../tools/define.ts";

/** Stateful tools of one thread and how to stop them. */
export interface ThreadTools {
  execTools?: { execCommand: Tool; writeStdin: Tool; shell?: Tool; shellCommand?: Tool };
  applyPatch?: Tool;
  localTools: Record<string, Tool>;
  shutdown(): Promise<void>;
}

/** Creates the stateful tools of a new thread. */
export function createThreadTools(): ThreadTools {
  return { localTools: {}, shutdown: async () => {} };
}
