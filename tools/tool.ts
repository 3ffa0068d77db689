/**
 * What a tool is, without any argument-schema library: the tool kinds, the context a handler
 * receives, results and errors, freeform and hosted tools, and the request entry of a tool.
 * Loading this module is cheap, so threads can declare tools before their implementations load
 * (see `lazy.ts`); `define.ts` adds zod-validated function tools on top.
 *
 * @module
 */

import type { ContentPart, ToolOutputBody } from "../lib/protocol/items.ts";
import type { ToolActivityEvent } from "../lib/protocol/events.ts";
import type { SandboxPolicy } from "../lib/sandbox/policy.ts";

/** Approval policies (`approval_policy`). `on-failure` is accepted as deprecated. */
export type ApprovalPolicy = "untrusted" | "on-request" | "on-failure" | "never";

/** What a person answered to an approval request. */
export type ApprovalDecision = "approved" | "approved_for_session" | "denied" | "abort";

/** A question for `request_user_input`. */
export interface UserQuestion {
  id: string;
  header: string;
  question: string;
  options: { label: string; description: string }[];
}

/** Hooks into the person at the keyboard, present only in interactive sessions. */
export interface UserInterface {
  /** Asks for approval of a command or a patch. */
  requestApproval(request: {
    kind: "command" | "patch" | "permissions";
    call_id: string;
    summary: string;
    reason?: string;
  }): Promise<ApprovalDecision>;
  /** Asks the questions of `request_user_input`; `null` means the person cancelled. */
  askUser(questions: UserQuestion[]): Promise<Record<string, { answers: string[] }> | null>;
}

/** Everything a tool handler may use. Nothing global: the thread passes it in. */
export interface ToolContext {
  /** The thread's working directory (absolute). */
  cwd: string;
  /** Aborted when the turn is interrupted or the thread shuts down. */
  signal: AbortSignal;
  /** The call being served. */
  callId: string;
  turnId: string;
  threadId: string;
  sandbox: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  /** `default` or `plan` (collaboration mode). */
  collaborationMode: string;
  /** Environment for child processes. */
  env: Record<string, string>;
  /** Emits activity events (commands, patches, plans) to the thread's subscribers. */
  emit(event: ToolActivityEvent): void;
  /** Present in interactive sessions only. */
  ui?: UserInterface;
  /** Stops the running turn (a person answered "abort" to an approval). */
  interruptTurn?(): void;
  /** Extra services keyed by name (sub-agent control, code mode host...). */
  services: Record<string, unknown>;
}

/** What a handler returns: a string, content parts, or an explicit result. */
export type ToolReturn = string | ContentPart[] | ToolResult;

/** An explicit tool result. `success: false` marks a failed call for renderers. */
export interface ToolResult {
  output: ToolOutputBody;
  success?: boolean;
}

/** Throw this from a handler to send `message` to the model as the call's output. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** A JSON-schema (function) tool. */
export interface FunctionTool {
  kind: "function";
  name: string;
  description: string;
  /** JSON schema sent as `parameters`. */
  parameters: Record<string, unknown>;
  /** May run concurrently with other parallel calls of the same response. */
  parallel: boolean;
  /** Validates and runs; `raw` is the call's `arguments` text. */
  run(raw: string, ctx: ToolContext): Promise<ToolResult>;
}

/** A freeform (custom) tool whose input is a string matching a grammar. */
export interface FreeformTool {
  kind: "custom";
  name: string;
  description: string;
  format: { type: "grammar"; syntax: "lark" | "regex"; definition: string } | { type: "text" };
  parallel: boolean;
  run(input: string, ctx: ToolContext): Promise<ToolResult>;
}

/** A provider-run tool (e.g. `web_search`): declared in the request, never run locally. */
export interface HostedTool {
  kind: "hosted";
  name: string;
  /** The declaration sent in `tools`, verbatim. */
  spec: Record<string, unknown>;
  parallel: false;
}

/** Any tool. */
export type Tool = FunctionTool | FreeformTool | HostedTool;

function toResult(value: ToolReturn): ToolResult {
  if (typeof value === "string" || Array.isArray(value)) return { output: value };
  return value;
}

function errorText(err: unknown): string {
  if (err instanceof ToolError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Runs a handler, turning thrown errors into failed results. */
export async function guard(fn: () => ToolReturn | Promise<ToolReturn>): Promise<ToolResult> {
  try {
    return toResult(await fn());
  } catch (err) {
    return { output: errorText(err), success: false };
  }
}

/** Options of {@linkcode defineFreeformTool}. */
export interface FreeformToolOptions {
  name: string;
  description: string;
  format: FreeformTool["format"];
  parallel?: boolean;
  handler(input: string, ctx: ToolContext): ToolReturn | Promise<ToolReturn>;
}

/** Defines a freeform (custom) tool. */
export function defineFreeformTool(opts: FreeformToolOptions): FreeformTool {
  return {
    kind: "custom",
    name: opts.name,
    description: opts.description,
    format: opts.format,
    parallel: opts.parallel ?? false,
    run: (input, ctx) => guard(() => opts.handler(input, ctx)),
  };
}

/** Declares a provider-run tool. */
export function defineHostedTool(name: string, spec: Record<string, unknown>): HostedTool {
  return { kind: "hosted", name, spec, parallel: false };
}

/** The entry of a tool in a request's `tools` array. */
export function toolSpec(tool: Tool): Record<string, unknown> {
  switch (tool.kind) {
    case "function":
      return {
        type: "function",
        name: tool.name,
        description: tool.description,
        strict: false,
        parameters: tool.parameters,
      };
    case "custom":
      return {
        type: "custom",
        name: tool.name,
        description: tool.description,
        format: tool.format,
      };
    case "hosted":
      return tool.spec;
  }
}
