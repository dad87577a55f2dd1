/** ln k! for integers k ≥ 0: exact summation below 256, Stirling's series above (relative error < 1e-16). */
const TABLE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE);
for (let k = 1; k < TABLE; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);

export function logFactorial(k: number): number {
  if (k < TABLE) return LOG_FACTORIAL[k];
  const x = k, x2 = x * x;
  return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x2 * x2 * x);
}
