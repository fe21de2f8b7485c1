// Rewrites a kubeconfig's cluster server to the API endpoint the laptop can reach, and reads the laptop's copy.
import { readFileSync, statSync } from 'node:fs';

/** Every `server:` line points at `url`; everything else (certificates, users) is kept byte for byte. */
export function rewriteServer(kubeconfig: string, url: string): string {
  return kubeconfig.replace(/^(\s*server:\s*).*$/gm, `$1${url}`);
}

export interface LocalFile {
  exists: boolean;
  content?: string;
  mode?: number;
}

/** The laptop-side fact for the kubeconfig module (the engine's probes only see remote hosts). */
export function readLocalFile(path: string): LocalFile {
  try {
    return { exists: true, content: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o7777 };
  } catch {
    return { exists: false };
  }
}
