/**
 * One line per tool activity: what a call did, in words (`Ran`, `Read`, `Listed`, ...), with
 * its exit code and duration where that means something.
 *
 * @module
 */

import type { ToolCallItem, ToolOutputBody } from "../../protocol/items.ts";
import type { PlanStep } from "../../protocol/events.ts";
import type { Style } from "./style.ts";
import { formatDuration } from "./status.ts";
import { relativePath } from "./diff_view.ts";

/** The command inside `<shell> -lc '<cmd>'` (the display form of exec events). */
export function innerCommand(command: string): string {
  const m = command.match(/^\S*\/(?:ba|z|da)?sh -l?c ([\s\S]*)$/);
  if (!m) return command;
  const body = m[1];
  const quoted = body.match(/^'([\s\S]*)'$/);
  return quoted ? quoted[1].replace(/'\\''/g, "'") : body;
}

/** First non-blank line of `text`, cut to `max` characters. */
export function firstLine(text: string, max = 96): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Collapses whitespace and cuts to `max` characters (previews of user text). */
export function preview(text: string, max = 72): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** Options shared by the line builders. */
export interface LineOptions {
  style: Style;
  cwd?: string;
}

/** `• Ran npm test (exit 1, 2.3s)` plus, for failures, the last output lines. */
export function execLines(
  ev: { command: string; exit_code: number | null; duration_ms: number; aggregated_output: string },
  opts: LineOptions,
): string[] {
  const { style } = opts;
  const cmd = firstLine(innerCommand(ev.command), 200);
  const time = formatDuration(ev.duration_ms);
  if (ev.exit_code === null) {
    return [
      `${style.yellow("•")} ${style.bold("Running")} ${cmd} ${
        style.dim(`(${time}, still running)`)
      }`,
    ];
  }
  const ok = ev.exit_code === 0;
  const bullet = ok ? style.green("•") : style.red("•");
  const status = ok
    ? `exit 0, ${time}`
    : style.red(`exit ${ev.exit_code}`) + style.dim(`, ${time}`);
  const rows = [
    `${bullet} ${style.bold("Ran")} ${cmd} ${style.dim("(")}${status}${style.dim(")")}`,
  ];
  if (!ok) {
    const tail = ev.aggregated_output.replace(/\s+$/, "").split("\n").filter((l) => l.trim())
      .slice(-3);
    tail.forEach((l, i) => rows.push(style.dim(`${i === 0 ? "  └ " : "    "}${l.slice(0, 200)}`)));
  }
  return rows;
}

function parseArgs(call: ToolCallItem): Record<string, unknown> {
  if (call.type !== "function_call") return {};
  try {
    const v = JSON.parse(call.arguments || "{}");
    return v && typeof v === "object" ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

const str = (
  v: unknown,
): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

/** Tools whose activity is shown from their own events (commands, patches, plans, questions). */
export const EVENT_TOOLS = new Set([
  "exec_command",
  "write_stdin",
  "shell",
  "shell_command",
  "apply_patch",
  "update_plan",
  "request_user_input",
  "request_permissions",
]);

/** The line for a finished call of a tool without activity events. */
export function toolLine(
  call: ToolCallItem,
  output: ToolOutputBody,
  isError: boolean,
  durationMs: number,
  opts: LineOptions,
): string {
  const { style } = opts;
  const args = parseArgs(call);
  const path = (v: unknown) => relativePath(str(v), opts.cwd);
  let verb: string;
  let what: string;
  switch (call.name) {
    case "read_file":
      verb = "Read";
      what = path(args.file_path);
      break;
    case "list_dir":
      verb = "Listed";
      what = path(args.dir_path);
      break;
    case "grep_files":
      verb = "Searched";
      what = `${str(args.pattern)}${args.path ? ` in ${path(args.path)}` : ""}`;
      break;
    case "view_image":
      verb = "Viewed";
      what = path(args.path);
      break;
    default:
      verb = "Called";
      what = call.name;
      if (call.type === "function_call" && call.arguments && call.arguments !== "{}") {
        what += ` ${firstLine(call.arguments, 80)}`;
      }
  }
  const bullet = isError ? style.red("•") : style.green("•");
  const text = typeof output === "string" ? output : "";
  const tail = isError ? ` ${style.red(firstLine(text, 100))}` : "";
  return `${bullet} ${style.bold(verb)} ${what} ${
    style.dim(`(${formatDuration(durationMs)})`)
  }${tail}`;
}

/** `• Updated Plan` with one row per step. */
export function planLines(
  plan: PlanStep[],
  explanation: string | undefined,
  opts: LineOptions,
): string[] {
  const { style } = opts;
  const done = plan.filter((p) => p.status === "completed").length;
  const rows = [
    `${style.cyan("•")} ${style.bold("Updated Plan")} ${
      style.dim(`(${done}/${plan.length} done)`)
    }`,
  ];
  if (explanation?.trim()) rows.push(style.dim(style.italic(`  └ ${explanation.trim()}`)));
  plan.forEach((p, i) => {
    const lead = i === 0 && !explanation?.trim() ? "  └ " : "    ";
    const mark = p.status === "completed"
      ? style.green("✔")
      : p.status === "in_progress"
      ? style.cyan("◐")
      : "□";
    const text = p.status === "completed"
      ? style.dim(p.step)
      : p.status === "in_progress"
      ? style.bold(p.step)
      : p.step;
    rows.push(
      `${lead}${
        style.enabled
          ? mark
          : `[${p.status === "completed" ? "x" : p.status === "in_progress" ? ">" : " "}]`
      } ${text}`,
    );
  });
  return rows;
}
