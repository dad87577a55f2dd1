/**
 * Argument details every command shares: a value that is not a number is named as typed
 * ("--width abc", not NaN), an option given twice keeps the later value, and a value that starts
 * with '-' and a digit ("--shard -1/2") is the option's value, not a cluster of short flags.
 */
import { UsageError } from './errors.ts';

/** An option given twice arrives as an array; like --set, the later one wins. */
export const lastWins = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * A numeric option: no yargs type (so "abc" reaches the check as typed, and "1e6" as a number),
 * `who` names it in the message ("plot --width"). NaN and Infinity pass as numbers: the range
 * checks downstream name them.
 */
export function numberOption(who: string, describe: string, extra: { default?: number; group?: string } = {}) {
  return {
    describe,
    requiresArg: true,
    ...extra,
    coerce: (v: unknown): number => {
      const raw = lastWins(v);
      if (typeof raw === 'number') return raw;
      const s = String(raw).trim();
      const n = Number(s);
      if (s === '' || (Number.isNaN(n) && s !== 'NaN')) throw new UsageError(`${who} ${String(raw)}: must be a number`);
      return n;
    },
  };
}

/** A number when the text is one, else the text itself (for the config schema to name as typed). */
export function numberOrText(v: unknown): unknown {
  const raw = lastWins(v);
  if (typeof raw !== 'string') return raw;
  const s = raw.trim();
  const n = Number(s);
  return s !== '' && (!Number.isNaN(n) || s === 'NaN') ? n : raw;
}

/** `--opt -1/2` → `--opt=-1/2`: yargs would read "-1/2" as the short flags -1, -/, -2. */
export function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (/^--[a-z][\w-]*$/i.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
