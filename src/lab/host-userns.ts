// A lab host's user namespace, owned by a uid of the host's own, with the host's network namespace inside it.
// Why: the kernel charges every inotify instance to the creating user in each ancestor user namespace, and for a
// namespace made by root that is root's one pool (fs.inotify.max_user_instances, 128 here), which each booted
// host's systemd and logind drew 6 from (dbus is messagebus's): 18 hosts in all. Owned by uid U, U's pool pays.
import { spawn } from 'node:child_process';
import { readlinkSync, writeFileSync } from 'node:fs';
import { HOST_PATH } from './host-paths.js';
import { run } from './sh.js';

/**
 * Every uid and gid maps to itself: the host's root is the machine's root to files (as without a user namespace:
 * the overlay's files keep their owners), while its capabilities reach only the host's own namespaces.
 */
export const IDENTITY_MAP = '0 0 4294967295\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function userNamespace(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/user`);
  } catch {
    return undefined;
  }
}

/**
 * Makes the host's user namespace (owned by ownerUid) and its network namespace in it, kept by bind mounts:
 * the network namespace as `ip netns` knows it (/run/netns/NS), the user namespace at userNsFile. A short-lived
 * holder (setpriv to ownerUid, then unshare) creates both; root then writes the identity map and pins them.
 */
export async function createHostNamespaces(ns: string, ownerUid: number, userNsFile: string): Promise<void> {
  const uid = String(ownerUid);
  const holder = spawn('setpriv', ['--reuid', uid, '--regid', uid, '--clear-groups', '--', 'unshare', '--user', '--net', '--', 'sleep', '120'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: HOST_PATH },
  });
  let stderr = '';
  holder.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => holder.on('exit', (code) => res(code)));
  try {
    const pid = holder.pid;
    if (!pid) throw new Error(`setpriv/unshare did not start for ${ns}`);
    const mine = userNamespace('self');
    let gone = false;
    void exited.then(() => (gone = true));
    let ready = false;
    for (let i = 0; i < 400 && !ready && !gone; i++) {
      const theirs = userNamespace(pid);
      ready = theirs !== undefined && theirs !== mine;
      if (!ready) await sleep(5);
    }
    if (!ready) throw new Error(`could not make the user namespace of ${ns} (uid ${uid}): ${stderr.trim() || (gone ? 'the holder exited' : 'no answer in 2 s')}`);
    writeFileSync(`/proc/${pid}/uid_map`, IDENTITY_MAP);
    writeFileSync(`/proc/${pid}/gid_map`, IDENTITY_MAP);
    await run(['ip', 'netns', 'attach', ns, String(pid)]);
    writeFileSync(userNsFile, '');
    await run(['mount', '--bind', `/proc/${pid}/ns/user`, userNsFile]);
  } finally {
    holder.kill('SIGKILL');
    await exited;
  }
}
