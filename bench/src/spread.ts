/*
 * A figure over repetitions (--repeat N): its median, which one slow or fast
 * run on a shared machine does not move, and its min–max, which says how much
 * to trust it. Repetitions where the figure was not measured are left out.
 */

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Repetitions that measured it. */
  n: number;
}

export function spreadOf(values: (number | undefined)[]): Spread | undefined {
  const known = values
    .filter((v): v is number => v !== undefined && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const mid = Math.floor(known.length / 2);
  const median = known.length % 2 === 1 ? known[mid]! : (known[mid - 1]! + known[mid]!) / 2;
  return { median, min: known[0]!, max: known[known.length - 1]!, n: known.length };
}

function number(value: number, digits: number): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * "1.32× (1.20–1.41)": the median, then the range when more than one
 * repetition measured it; "-" when none did.
 */
export function fmtSpread(s: Spread | undefined, digits = 0, unit = ''): string {
  if (!s) return '-';
  const median = `${number(s.median, digits)}${unit}`;
  if (s.n < 2) return median;
  return `${median} (${number(s.min, digits)}–${number(s.max, digits)})`;
}
