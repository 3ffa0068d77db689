/**
 * `<environment_context>`: cwd, shell, date, timezone and the filesystem permissions, with
 * upstream's elements and layout.
 *
 * @module
 */

import { basename } from "../path.ts";
import type { SandboxPolicy } from "../sandbox/policy.ts";

/** Facts about the machine captured once per thread. */
export interface EnvironmentFacts {
  cwd: string;
  shell: string;
  /** `YYYY-MM-DD`, local date. */
  currentDate: string;
  /** IANA name, e.g. `Etc/UTC`. */
  timezone: string;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The local date as `YYYY-MM-DD`. */
export function localDate(now: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** The IANA timezone: `$TZ`, else the `/etc/localtime` link, else Intl, else `Etc/UTC`. */
export function detectTimezone(env: Record<string, string | undefined>): string {
  const tz = env.TZ?.replace(/^:/, "").trim();
  if (tz) return tz;
  try {
    const target = Deno.readLinkSync("/etc/localtime");
    const m = target.match(/zoneinfo\/(.+)$/);
    if (m) return m[1];
  } catch { /* not a link */ }
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "Etc/UTC";
  } catch {
    return "Etc/UTC";
  }
}

/** Collects {@linkcode EnvironmentFacts}. */
export function environmentFacts(
  cwd: string,
  env: Record<string, string | undefined>,
  now: Date = new Date(),
): EnvironmentFacts {
  return {
    cwd,
    shell: env.SHELL ? basename(env.SHELL) : "bash",
    currentDate: localDate(now),
    timezone: detectTimezone(env),
  };
}

/** The `<filesystem>` element for a sandbox policy. */
export function filesystemXml(cwd: string, policy: SandboxPolicy): string {
  const roots = `<workspace_roots><root>${escapeXml(cwd)}</root></workspace_roots>`;
  if (policy.mode === "danger-full-access") {
    return `<filesystem>${roots}<permission_profile type="disabled"><file_system type="unrestricted" /></permission_profile></filesystem>`;
  }
  const entries = [`<entry access="read"><special>:root</special></entry>`];
  if (policy.mode === "workspace-write") {
    for (const root of policy.writableRoots) {
      entries.push(`<entry access="write"><path>${escapeXml(root)}</path></entry>`);
    }
    entries.push(`<entry access="write"><special>:slash_tmp</special></entry>`);
    entries.push(`<entry access="write"><special>:tmpdir</special></entry>`);
  }
  return `<filesystem>${roots}<permission_profile type="managed"><file_system type="restricted">${
    entries.join("")
  }</file_system></permission_profile></filesystem>`;
}

/** The `<environment_context>` text. */
export function environmentContext(facts: EnvironmentFacts, policy: SandboxPolicy): string {
  return [
    "<environment_context>",
    `  <cwd>${escapeXml(facts.cwd)}</cwd>`,
    `  <shell>${escapeXml(facts.shell)}</shell>`,
    `  <current_date>${facts.currentDate}</current_date>`,
    `  <timezone>${escapeXml(facts.timezone)}</timezone>`,
    `  ${filesystemXml(facts.cwd, policy)}`,
    "</environment_context>",
  ].join("\n");
}
