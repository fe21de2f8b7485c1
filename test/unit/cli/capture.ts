// Runs the CLI's dispatcher in-process (verbs loaded from src/) and captures stdout, stderr and the exit status.
import { vi } from 'vitest';
import { dispatch } from '../../../src/cli/dispatch.js';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    const code = await dispatch(argv, (verb) => import(`../../../src/cli/${verb}.ts`));
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
