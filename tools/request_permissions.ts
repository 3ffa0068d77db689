/**
 * `request_permissions`: the model asks for extra permissions (network access, file system
 * paths to read or write) for the rest of the turn or the session. The person decides through
 * `ctx.ui.requestApproval`; this tool only reports the decision, it enforces nothing itself.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { type ApprovalDecision, defineTool, type FunctionTool, ToolError } from "./define.ts";

const DESCRIPTION =
  `Asks the user to grant extra permissions: outbound network access and/or file system paths to read or write.
Say why in \`reason\`. The answer lists what was granted and whether it holds for this turn or the whole session; an empty grant means the request was declined.`;

const permissionsParameters = z.strictObject({
  reason: z.string().optional(),
  permissions: z.strictObject({
    network: z.strictObject({ enabled: z.boolean().optional() }).optional(),
    file_system: z.strictObject({
      read: z.array(z.string()).optional(),
      write: z.array(z.string()).optional(),
    }).optional(),
  }),
});

/** The permissions a call asks for (and, in the answer, what was granted). */
export type RequestedPermissions = z.output<typeof permissionsParameters>["permissions"];

/** The text when nothing was asked for. */
export const NO_PERMISSION_MESSAGE = "Error: request_permissions requires at least one permission.";

/** The text when the person dismissed the request. */
export const CANCELLED_PERMISSIONS_MESSAGE =
  "Error: request_permissions was cancelled before receiving a response.";

/** True when `p` asks for something. */
function asksForSomething(p: RequestedPermissions): boolean {
  return p.network?.enabled === true || (p.file_system?.read?.length ?? 0) > 0 ||
    (p.file_system?.write?.length ?? 0) > 0;
}

/** One line describing the request, for the approval prompt. */
export function summarizePermissions(p: RequestedPermissions): string {
  const parts: string[] = [];
  if (p.network?.enabled === true) parts.push("network access");
  const read = p.file_system?.read ?? [];
  const write = p.file_system?.write ?? [];
  if (read.length > 0) parts.push(`read ${read.join(", ")}`);
  if (write.length > 0) parts.push(`write ${write.join(", ")}`);
  return parts.join("; ");
}

function answer(decision: ApprovalDecision, requested: RequestedPermissions): string {
  switch (decision) {
    case "approved":
      return JSON.stringify({ permissions: requested, scope: "turn" });
    case "approved_for_session":
      return JSON.stringify({ permissions: requested, scope: "session" });
    case "denied":
      return JSON.stringify({ permissions: {}, scope: "turn" });
    case "abort":
      throw new ToolError(CANCELLED_PERMISSIONS_MESSAGE);
    default: {
      const never: never = decision;
      throw new ToolError(`request_permissions: unknown decision ${String(never)}`);
    }
  }
}

/**
 * Creates the `request_permissions` tool. It asks through `ctx.ui.requestApproval` (kind
 * `permissions`) and answers JSON: `{"permissions":{...granted},"scope":"turn"|"session"}`;
 * a denial grants `{}`. Without an interactive UI nobody can approve, so it answers an error.
 *
 * @example
 * ```ts
 * import { createRequestPermissionsTool } from "./request_permissions.ts";
 * const tool = createRequestPermissionsTool();
 * ```
 */
export function createRequestPermissionsTool(): FunctionTool {
  return defineTool({
    name: "request_permissions",
    description: DESCRIPTION,
    parameters: permissionsParameters,
    handler: async ({ reason, permissions }, ctx) => {
      if (!asksForSomething(permissions)) throw new ToolError(NO_PERMISSION_MESSAGE);
      if (ctx.ui === undefined) {
        throw new ToolError(
          "Error: request_permissions is unavailable: this session has no one to approve " +
            "requests; continue within the current permissions.",
        );
      }
      const request = {
        kind: "permissions" as const,
        call_id: ctx.callId,
        summary: summarizePermissions(permissions),
        ...(reason === undefined ? {} : { reason }),
      };
      const decision = await ctx.ui.requestApproval(request);
      if (ctx.signal.aborted) throw new ToolError(CANCELLED_PERMISSIONS_MESSAGE);
      return answer(decision, permissions);
    },
  });
}
