/** Small argument helpers shared by the commands. */

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
