/**
 * Replacing a file so that a reader (or a run that dies half-way) only ever
 * sees the old content or the new content, never a torn mix: write a temp file
 * in the same folder, flush it, then rename over the target. rename(2) is
 * atomic only within one file system, which is why the temp file sits beside
 * the target rather than in os.tmpdir().
 */
import { open, rename, rm, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Writes `content` to `path` atomically (temp file in the same folder + rename). */
export async function atomicWriteFile(path: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Dot-prefixed and unique per call, so two writers never share a temp file
  // and a leftover from a killed process is easy to recognise and ignore.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await (typeof content === 'string' ? fh.writeFile(content, 'utf8') : fh.writeFile(content));
      // Without the flush, a power loss right after the rename can leave an
      // empty file on ext4/xfs (the rename reaches the disk before the data).
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}
