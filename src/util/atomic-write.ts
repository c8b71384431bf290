import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { OperationError } from '../errors.js';

/** Codes of a full disk (ENOSPC) or a full quota (EDQUOT): node's message names neither the file nor the dir. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** The error a failed write becomes: a full disk names the file and its directory's disk, and what to do. */
function writeFailure(path: string, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !DISK_FULL.has(code)) return err;
  const what = code === 'EDQUOT' ? 'disk quota is used up' : 'disk is full';
  return new OperationError(
    `cannot write ${path}: the ${what} where ${dirname(path)} lives (${code}); the old file is kept`,
    {
      hint: `free some space there (df -h ${dirname(path)}), then run again`,
      cause: err,
    },
  );
}

/** Temp files are `<file>.tmp-<pid>-<rand>`: the pid lets a later run tell a crashed writer's leftover from a live one's. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Parses the pid out of a temp file name made by tempPathFor, if `name` is one for `file`. */
export function tempFileOwnerPid(file: string, name: string): number | undefined {
  const prefix = `${basename(file)}.tmp-`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * Replaces `path` with `data` so that a crash at any moment leaves either the
 * old or the new file, never a torn one: write a temp file in the same
 * directory, fsync it, rename it over, fsync the directory (so the rename
 * itself survives a power cut). The file gets `mode`; a missing directory is
 * created 0700.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  mode = 0o600,
  opts: { createDir?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  // Our own dirs are created private; a directory someone else manages (node_exporter's) must already exist.
  if (opts.createDir !== false) await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await replaceFile(path, dir, data, mode);
  } catch (err) {
    throw writeFailure(path, err);
  }
}

async function replaceFile(path: string, dir: string, data: string, mode: number): Promise<void> {
  const tmp = tempPathFor(path);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      // open()'s mode is masked by the umask; chmod makes it exact.
      await fh.chmod(mode);
      // One buffer and as few write calls as the kernel allows: FileHandle.writeFile
      // would send a 20 MB state in 512 KiB chunks, one thread-pool round trip each.
      const bytes = Buffer.from(data, 'utf8');
      for (let offset = 0; offset < bytes.length;) {
        offset += (await fh.write(bytes, offset, bytes.length - offset)).bytesWritten;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    await syncDirectory(dir);
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Some platforms and filesystems refuse fsync on a directory (EISDIR,
  // EINVAL, EPERM); the rename is still atomic there, only its durability
  // across a power cut is up to the filesystem.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort, see above
  }
}
