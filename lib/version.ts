/**
 * The program version (kept equal to `version` in deno.json; a test checks it).
 *
 * @module
 */

/** denocodex's version. */
export const VERSION = "0.1.0";
