// The keeper's frames and what travels in them: whole frames out of any chunking, a Secret that stays a Secret,
// raw bytes kept as bytes, and each transport error back as its own class.
import { describe, expect, it, vi } from 'vitest';
import { Secret } from '../../../../src/core/secret.js';
import { ConnectError, HostKeyError, SudoError } from '../../../../src/transport/errors.js';
import { encodeFrame, FrameReader } from '../../../../src/transport/keeper/frames.js';
import { commandHead, commandOf, errorHead, errorOf, resultHead, resultOf } from '../../../../src/transport/keeper/wire.js';

describe('keeper frames', () => {
  it('yields whole frames however the bytes arrive: one at a time, or several in one chunk', () => {
    const a = encodeFrame({ op: 'exec', n: 1 }, Buffer.from([0, 1, 2]));
    const b = encodeFrame({ op: 'ping' });
    const all = Buffer.concat([a, b]);
    const one = new FrameReader();
    const seen = [];
    for (const byte of all) seen.push(...one.push(Buffer.from([byte])));
    expect(seen.map((f) => [f.head, [...f.body]])).toEqual([[{ op: 'exec', n: 1 }, [0, 1, 2]], [{ op: 'ping' }, []]]);
    expect(new FrameReader().push(all)).toHaveLength(2);
  });

  it('takes a large body in many chunks without copying it again for each', () => {
    const body = Buffer.alloc(16 << 20, 7);
    const frame = encodeFrame({ op: 'exec' }, body);
    const reader = new FrameReader();
    // Count the bytes Buffer.concat copies while the frame arrives in 256 chunks.
    let copied = 0;
    const concat = Buffer.concat;
    const spy = vi.spyOn(Buffer, 'concat').mockImplementation((list: readonly Uint8Array[], total?: number) => {
      copied += list.reduce((n, b) => n + b.length, 0);
      return concat(list, total);
    });
    const seen = [];
    try {
      for (let i = 0; i < frame.length; i += 64 << 10) seen.push(...reader.push(frame.subarray(i, i + (64 << 10))));
    } finally {
      spy.mockRestore();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.equals(body)).toBe(true);
    // Joined once: the frame's own size. Joined at every chunk it would be ~128 times that.
    expect(copied).toBeLessThanOrEqual(frame.length);
  });

  it('refuses a header that is not an object', () => {
    const bad = Buffer.alloc(8 + 2);
    bad.writeUInt32BE(2, 0);
    bad.write('[]', 8);
    expect(() => new FrameReader().push(bad)).toThrow(/not an object/);
  });
});

describe('keeper wire', () => {
  it('carries a command: argv, become, env, and stdin as text, bytes or a Secret that still prints as <secret>', () => {
    for (const stdin of ['text\n', Buffer.from([0, 255]), new Secret('pw')]) {
      const { head, body } = commandHead({ argv: ['cat'], sudo: true, env: { A: 'b' }, stdin });
      expect(JSON.stringify(head)).not.toContain('pw');
      const back = commandOf(JSON.parse(JSON.stringify(head)) as Record<string, unknown>, body);
      expect(back.argv).toEqual(['cat']);
      expect(back.sudo).toBe(true);
      expect(back.env).toEqual({ A: 'b' });
      if (stdin instanceof Secret) {
        expect(back.stdin).toBeInstanceOf(Secret);
        expect(String(back.stdin)).toBe('<secret>');
        expect((back.stdin as Secret).reveal()).toBe('pw');
      } else expect(back.stdin).toEqual(stdin);
    }
    expect(() => commandOf({ argv: [] }, Buffer.alloc(0))).toThrow(/argv/);
  });

  it('carries a result, with the raw stdout bytes when the session had them', () => {
    const bytes = Buffer.from([0x80, 0x00, 0x41]);
    const r = resultHead({ code: 2, stdout: bytes.toString('utf8'), stdoutBytes: bytes, stderr: 'e', signal: 'SIGKILL' });
    const back = resultOf(JSON.parse(JSON.stringify(r.head)) as Record<string, unknown>, r.body);
    expect(back).toMatchObject({ code: 2, stderr: 'e', signal: 'SIGKILL' });
    expect(back.stdoutBytes?.equals(bytes)).toBe(true);
    expect(resultOf(resultHead({ code: 0, stdout: 'x', stderr: '' }).head, Buffer.from('x')).stdoutBytes).toBeUndefined();
  });

  it('brings each transport error back as its class, with what the engine reads from it', () => {
    const hk = errorOf(errorHead(new HostKeyError('changed', { host: 'h', problem: 'changed', file: '/k', line: 3, hint: 'ssh-keygen -R' })), 'x');
    expect(hk).toBeInstanceOf(HostKeyError);
    expect(hk).toMatchObject({ host: 'h', problem: 'changed', file: '/k', line: 3, hint: 'ssh-keygen -R' });
    expect(errorOf(errorHead(new SudoError('no', { host: 'h', kind: 'not-allowed' })), 'x')).toMatchObject({ name: 'SudoError', kind: 'not-allowed' });
    const c = errorOf(errorHead(new ConnectError('gone', { host: 'h', transient: true })), 'x');
    expect(c).toBeInstanceOf(ConnectError);
    expect((c as ConnectError).transient).toBe(true);
    expect(errorOf(errorHead(new Error('odd')), 'x')).toMatchObject({ name: 'ConnectError', host: 'x', message: 'odd' });
  });
});
