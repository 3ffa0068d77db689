/**
 * Where rollouts live: `CODEX_HOME/sessions/YYYY/MM/DD/rollout-<timestamp>-<thread_id>.jsonl`,
 * with the timestamp `YYYY-MM-DDTHH-MM-SS` in local time (as upstream names them).
 *
 * @module
 */

import { join } from "../path.ts";

/** The folder holding every rollout of a Codex home. */
export function sessionsRoot(codexHome: string): string {
  return join(codexHome, "sessions");
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** `YYYY-MM-DDTHH-MM-SS` of `date` in local time. */
export function fileTimestamp(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

/** The rollout path of a thread created at `date`. */
export function rolloutPath(codexHome: string, threadId: string, date: Date): string {
  return join(
    sessionsRoot(codexHome),
    String(date.getFullYear()),
    pad(date.getMonth() + 1),
    pad(date.getDate()),
    `rollout-${fileTimestamp(date)}-${threadId}.jsonl`,
  );
}

const FILE_NAME =
  /^rollout-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** The timestamp and thread id in a rollout file name, or `null` for other names. */
export function parseRolloutFileName(
  name: string,
): { timestamp: string; threadId: string } | null {
  const m = FILE_NAME.exec(name);
  return m ? { timestamp: m[1], threadId: m[2].toLowerCase() } : null;
}
