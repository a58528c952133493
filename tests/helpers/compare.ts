/** Numeric comparison with a message that says where and by how much. */
export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): { abs: number; at: number; scale: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ expected ${expected.length}`);
  let abs = 0;
  let at = -1;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= abs)) {
      abs = d;
      at = i;
    }
  }
  return { abs, at, scale };
}

/** Passes when max |a − e| ≤ tol · max(1, max |e|); NaN never passes. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  const { abs, at, scale } = maxError(actual, expected);
  if (!(abs <= tol * Math.max(1, scale))) {
    throw new Error(`${what}: max error ${abs.toExponential(3)} at [${at}] (got ${actual[at]}, expected ${expected[at]}; scale ${scale.toExponential(2)}, tol ${tol})`);
  }
}
