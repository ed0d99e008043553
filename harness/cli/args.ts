/** Small argument helpers shared by the commands. */
import { MailflowError } from '../errors.ts';
import { LAB_DOMAINS } from '../plan/run-options.ts';

/** "a,b" and repeated flags both give ["a", "b"]. */
export function listArg(raw: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i] ?? '';
    let value: string | undefined;
    if (a === flag) value = raw[++i];
    else if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    if (value !== undefined) out.push(...value.split(',').map((s) => s.trim()).filter(Boolean));
  }
  return out;
}

/** Repeated `--set key=value` flags, kept whole (values may contain commas). */
export function repeatedArg(raw: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i] ?? '';
    if (a === flag && raw[i + 1] !== undefined) out.push(raw[++i] ?? '');
    else if (a.startsWith(`${flag}=`)) out.push(a.slice(flag.length + 1));
  }
  return out;
}

/** A lab domain count (`--lab-domains`, `lab --domains`): a whole number 1–20, else a usage error naming the flag. */
export function labDomainsArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < LAB_DOMAINS.min || n > LAB_DOMAINS.max) {
    throw new MailflowError('EUSAGE', `${flag}: got "${value}" (expected a whole number from ${LAB_DOMAINS.min} to ${LAB_DOMAINS.max})`);
  }
  return n;
}
