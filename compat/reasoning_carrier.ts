/**
 * Carries raw reasoning text through clients that only echo `encrypted_content`.
 *
 * Upstream Codex replays reasoning items with `content: null` and the `encrypted_content` it was
 * given. When a client asks for `reasoning.encrypted_content`, the compat server puts the
 * reasoning text there in a marked, reversible (not encrypted) form, so the next request can
 * replay it to backends that accept reasoning on assistant messages.
 *
 * @module
 */

const PREFIX = "compat-reasoning-v1:";

/** The `encrypted_content` value that carries `text`. */
export function encodeReasoning(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return PREFIX + btoa(binary);
}

/** The reasoning text carried by `value`, or `null` when it is not ours or is damaged. */
export function decodeReasoning(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith(PREFIX)) return null;
  try {
    const binary = atob(value.slice(PREFIX.length));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
