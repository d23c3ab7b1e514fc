/**
 * A minimal writer for the Linux initramfs format (cpio "newc"), so building the guest
 * needs neither the cpio tool nor root (ownership is written as 0:0 whoever we are).
 * Timestamps are 0 to make the archive a pure function of its entries.
 */

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function header(ino: number, mode: number, nlink: number, fileSize: number, nameSize: number): Buffer {
  const fields = [ino, mode, 0, 0, nlink, 0, fileSize, 0, 0, 0, 0, nameSize, 0];
  return Buffer.from('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''), 'ascii');
}

/** Serializes entries (paths relative to the archive root, no leading '/') to newc bytes. */
export function buildCpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, nlink: number, data: Buffer): void => {
    const nameBytes = Buffer.from(name + '\0', 'utf8');
    const head = header(ino++, mode, nlink, data.length, nameBytes.length);
    parts.push(head, nameBytes, pad4(head.length + nameBytes.length), data, pad4(data.length));
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, '');
    switch (entry.kind) {
      case 'dir':
        push(path, S_IFDIR | (entry.mode ?? 0o755), 2, Buffer.alloc(0));
        break;
      case 'file':
        push(path, S_IFREG | (entry.mode ?? 0o644), 1, entry.data);
        break;
      case 'symlink':
        push(path, S_IFLNK | 0o777, 1, Buffer.from(entry.target, 'utf8'));
        break;
    }
  }
  push('TRAILER!!!', 0, 1, Buffer.alloc(0));
  return Buffer.concat(parts);
}
