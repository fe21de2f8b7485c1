// How a run and the connection keeper talk over their unix socket: frames of a JSON header and raw bytes.
// Bytes (a command's stdin, its stdout) travel as they are: a tar stream or an etcd snapshot is not re-encoded.
import { statSync } from 'node:fs';

export interface Frame {
  head: Record<string, unknown>;
  body: Buffer;
}

/** Refuse frames past this size: a peer that is not a keeper (or a broken one) cannot make us buffer without end. */
const MAX_FRAME = 2 ** 31 - 1;

export function encodeFrame(head: Record<string, unknown>, body: Buffer = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(json.length, 0);
  lengths.writeUInt32BE(body.length, 4);
  return Buffer.concat([lengths, json, body]);
}

/** Collects a byte stream's chunks and yields each whole frame once it has arrived. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #size = 0;

  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.#size < 8) return out;
      if (this.#chunks[0]!.length < 8) this.#chunks = [Buffer.concat(this.#chunks)];
      const first = this.#chunks[0]!;
      const headLen = first.readUInt32BE(0);
      const bodyLen = first.readUInt32BE(4);
      if (headLen + bodyLen > MAX_FRAME) throw new Error(`keeper frame of ${headLen + bodyLen} bytes is too large`);
      const end = 8 + headLen + bodyLen;
      // Joined once the whole frame is here: a large body (an etcd snapshot) is not copied again for every chunk.
      if (this.#size < end) return out;
      const all = this.#chunks.length === 1 ? first : Buffer.concat(this.#chunks, this.#size);
      const head = JSON.parse(all.subarray(8, 8 + headLen).toString('utf8')) as unknown;
      if (!head || typeof head !== 'object' || Array.isArray(head)) throw new Error('keeper frame header is not an object');
      out.push({ head: head as Record<string, unknown>, body: Buffer.from(all.subarray(8 + headLen, end)) });
      const rest = all.subarray(end);
      this.#chunks = rest.length ? [rest] : [];
      this.#size = rest.length;
    }
  }
}

/**
 * Who speaks on the socket: the frame format's version and the build that runs (the CLI's path and when it was
 * built). A keeper started by another build of provision is stopped and started again, never spoken to.
 */
export function keeperIdentity(entry: string | undefined = process.argv[1]): string {
  let built = '';
  try {
    built = entry ? String(statSync(entry).mtimeMs) : '';
  } catch {
    // no entry file (an embedded runtime): the path alone
  }
  return `provision-keeper/1 ${entry ?? ''} ${built}`;
}
