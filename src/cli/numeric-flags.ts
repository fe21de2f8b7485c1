// Numeric flag values checked with our own message (`--max-fail -1`, `--concurrency x`): a usage error naming the flag.
import { UsageError } from '../core/errors.js';

export function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number (got '${v}')`);
  return n;
}

/** A number in [min, max] (seconds and the like). */
export function numberIn(flag: string, v: string | undefined, min: number, max: number, unit = ''): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number${unit ? ` of ${unit}` : ''}, ${min}-${max} (got '${v}')`);
  return n;
}
