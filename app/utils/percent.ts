/**
 * The one way a share is shown as a percentage (progress bars, 按期销号率, vote results, exports): rounded
 * DOWN, so 100% means all and never "199 of 200" (issue 15.6); a total of 0 gives 0. `decimals` digits after
 * the point (0 or 1 in use). Integer arithmetic where the result is whole, so 29/100 is 29, not 28.
 */
export function percentOf(part: number, total: number, decimals = 0): number {
  if (!(total > 0) || !(part > 0)) return 0;
  const scale = 10 ** decimals;
  const value = Math.floor((part * 100 * scale) / total) / scale;
  return Math.min(value, 100);
}

/** `percentOf` with the sign, as shown: "99%". */
export function formatPercent(part: number, total: number, decimals = 0): string {
  return `${percentOf(part, total, decimals)}%`;
}
