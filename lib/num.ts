/** A float as the shortest decimal that survives 12 significant digits: 14.4 * 0.001 → `0.0144`, not `0.014400000000000001`. */
export function fmt(n: number): string {
  return String(Number(n.toPrecision(12)));
}
