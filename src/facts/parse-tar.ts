// Reads the members of a GNU tar stream: the probe sends every probed file in one `tar`, headers and all.
const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

function text(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8');
}

/** A header number: octal text, or GNU's base-256 (high bit set) for sizes over 8 GiB. */
function headerNumber(buf: Buffer, start: number, length: number): number {
  if (buf[start]! & 0x80) {
    let n = buf[start]! & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + buf[start + i]!;
    return n;
  }
  const digits = text(buf, start, length).trim();
  return digits ? parseInt(digits, 8) : 0;
}

/** True when the header's checksum matches (a cut or garbled stream stops the walk instead of misreading it). */
function checksumOk(header: Buffer): boolean {
  let sum = 8 * 0x20; // the checksum field itself counts as eight spaces
  for (let i = 0; i < 148; i++) sum += header[i]!;
  for (let i = 156; i < BLOCK; i++) sum += header[i]!;
  return sum === headerNumber(header, 148, 8);
}

/** One member: its header's type, permission bits and owner names (numeric ids when tar found no name). */
export interface TarEntry {
  type: 'file' | 'directory' | 'other';
  mode: number;
  owner: string;
  group: string;
  /** A regular file's content: a view into the archive (which must stay unchanged while it is read). */
  data?: Buffer;
}

/**
 * name → entry for every member (GNU long names included). Stops at the end marker, at a header that fails its
 * checksum, or where the stream is cut: members read so far are kept.
 */
export function readTarEntries(archive: Buffer): Map<string, TarEntry> {
  const entries = new Map<string, TarEntry>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.equals(ZERO_BLOCK) || !checksumOk(header)) break;
    const size = headerNumber(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) break;
    const data = archive.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const name = longName ?? text(header, 0, 100);
    longName = undefined;
    const regular = type === '0' || type === '\0';
    const entry: TarEntry = {
      type: regular ? 'file' : type === '5' ? 'directory' : 'other',
      mode: headerNumber(header, 100, 8) & 0o7777,
      owner: text(header, 265, 32) || String(headerNumber(header, 108, 8)),
      group: text(header, 297, 32) || String(headerNumber(header, 116, 8)),
    };
    if (regular) entry.data = data; // a view of the archive, not a copy (readers hash it and decode it, nothing more)
    entries.set(name, entry);
  }
  return entries;
}

/** name → content for every regular file in the archive (see readTarEntries). */
export function readTarFiles(archive: Buffer): Map<string, Buffer> {
  return new Map([...readTarEntries(archive)].flatMap(([name, e]) => (e.data ? [[name, e.data] as const] : [])));
}
