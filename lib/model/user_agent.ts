/**
 * The `user-agent` header, in upstream's format with our own program name and version:
 * `denocodex/<version> (<OS name> <OS version>; <arch>) <terminal> (<originator>; <version>)`.
 *
 * @module
 */

import { VERSION } from "../version.ts";

/** OS name and a three-part version from `/etc/os-release` text (e.g. `Debian`, `12.0.0`). */
export function osFromRelease(text: string): { name: string; version: string } | undefined {
  const get = (key: string) => {
    const m = text.match(new RegExp(`^${key}=(.*)$`, "m"));
    return m ? m[1].trim().replace(/^["']|["']$/g, "") : undefined;
  };
  const name = get("NAME");
  if (!name) return undefined;
  const parts = (get("VERSION_ID") ?? "0").split(".").map((p) => String(Number(p) || 0));
  while (parts.length < 3) parts.push("0");
  return { name: name.replace(/ GNU\/Linux$/, ""), version: parts.slice(0, 3).join(".") };
}

/** The user agent for `originator`, reading the OS once. */
export function userAgent(originator: string, env: Record<string, string | undefined>): string {
  let os: { name: string; version: string } = { name: Deno.build.os, version: "unknown" };
  try {
    os = osFromRelease(Deno.readTextFileSync("/etc/os-release")) ?? os;
  } catch { /* not Linux, or no os-release */ }
  const term = env.TERM_PROGRAM
    ? `${env.TERM_PROGRAM}${env.TERM_PROGRAM_VERSION ? `/${env.TERM_PROGRAM_VERSION}` : ""}`
    : env.TERM || "unknown";
  return `denocodex/${VERSION} (${os.name} ${os.version}; ${Deno.build.arch}) ${term} (${originator}; ${VERSION})`;
}
