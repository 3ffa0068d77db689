/**
 * Counts for people: `12,345`. A regular expression rather than `toLocaleString`, whose first
 * call loads ICU locale data (~20 ms, paid at the end of every `exec`).
 *
 * @module
 */

/** `n` with a comma between each group of three integer digits, as `en-US` writes it. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int, frac] = String(Math.round(n * 1000) / 1000).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}
