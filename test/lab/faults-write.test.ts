// Issue 8 items 1-2: a file write cut mid-stream, a full disk and a rejecting validator never leave a partial
// or changed live file, and no temp file survives the next run — checked inside the hosts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { faultLab, labReason, sha256, tempPlaybook } from './faults-support.js';
import { until } from './lab-support.js';

const reason = labReason('faults: file writes');
const lab = faultLab(`fw${process.pid % 10000}`, 'inventory/homelab.yaml');
const HOST = 'k8s-cp-01';
const DIR = '/etc/provision-fault';
const FILE = `${DIR}/big.conf`;
// 51 000 bytes of old content, 189 000 of new: any mix or cut of the two has neither hash.
const OLD = 'old-content-line\n'.repeat(3000);
const NEW = `new-content ${'x'.repeat(50)}\n`.repeat(3000);
const BIG = tempPlaybook(`name: big write
plays:
  - name: big
    hosts: ${HOST}
    tasks:
      - name: big file
        file: { path: ${FILE}, content: ${JSON.stringify(NEW)} }
`);
const VALIDATED = tempPlaybook(`name: validated write
plays:
  - name: validated
    hosts: ${HOST}
    tasks:
      - name: haproxy config
        file: { path: ${DIR}/haproxy.cfg, content: "global\\nfrontend api\\n  bind :6443\\n  no-such-keyword here\\n", validate: [haproxy, -c, -f, "%s"] }
`);

const state = async () => {
  const out = await lab.inHost(HOST, `sha256sum ${FILE} | cut -d' ' -f1; ls -A ${DIR}`);
  const [sha, ...files] = out.trim().split('\n');
  return { sha, temps: files.filter((f) => f.includes('.provision-')) };
};
const resetOld = () => lab.inHost(HOST, `mkdir -p ${DIR} && rm -f ${DIR}/.big.conf.provision-* && yes old-content-line | head -n 3000 > ${FILE}.tmp && mv ${FILE}.tmp ${FILE}`);

/** Start the big write over a throttled link; resolve once the temp file is part-way (content is streaming). */
async function startWrite() {
  await lab.throttle(HOST, 160); // ~10 s for the new content
  const running = lab.start(['run', BIG]);
  const size = await until('the temp file to be part-way', async () => {
    const out = (await lab.inHost(HOST, `stat -c %s ${DIR}/.big.conf.provision-* 2>/dev/null || true`)).trim();
    const n = Number(out.split('\n')[0]);
    return out && n >= 8192 ? n : undefined;
  }, 20_000);
  expect(size).toBeLessThan(NEW.length); // still streaming when the fault hits
  return running;
}

/** Inside the host: pids whose stdout is the write's temp file (the script's `cat`, maybe its shell). */
const WRITERS = `for p in /proc/[0-9]*; do case "$(readlink $p/fd/1 2>/dev/null)" in */.big.conf.provision-*) echo \${p#/proc/};; esac; done`;
/**
 * The writers' pids, once seen: the temp file can exist a moment before its writer's fd/1 points at it (and on a
 * loaded machine a scan can miss it), so a kill must never be aimed at an empty list.
 */
const writers = () => until('the writer of the temp file', async () => (await lab.inHost(HOST, WRITERS)).trim().split(/\s+/).filter(Boolean).join(' ') || undefined, 20_000);

describe.skipIf(reason !== '')('faults: file writes (homelab lab)', () => {
  let OLD_SHA: string;
  let NEW_SHA: string;
  beforeAll(async () => {
    [OLD_SHA, NEW_SHA] = [await sha256(OLD), await sha256(NEW)];
    await lab.up();
  });
  // A case that fails mid-stream must not leave the link throttled for the next one (its connects would time out).
  afterEach(async () => {
    await lab.throttle(HOST, undefined).catch(() => undefined);
  });
  afterAll(async () => {
    await lab.down();
  });

  it('the SSH connection killed mid-stream (its sshd process): old file intact, temp removed; a re-run writes the new file', async () => {
    await resetOld();
    const running = await startWrite();
    // Kill the per-connection sshd (the first sshd* ancestor of the writer): the connection drops mid-content.
    const seen = await writers();
    await lab.inHost(HOST, `p=${seen.split(' ')[0]}; while [ "$p" -gt 1 ]; do case "$(cat /proc/$p/comm)" in sshd*) kill -9 $p; exit 0;; esac; p=$(cut -d' ' -f4 /proc/$p/stat); done; exit 1`);
    const r = await running.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/connection lost while writing \/etc\/provision-fault\/big\.conf; the file holds its old or its new content, never a part/);
    expect(r.stdout).not.toMatch(/mktemp|sha256sum/); // not the script dumped at the user
    await lab.throttle(HOST, undefined);
    // The host's script saw stdin end early: checksum failed, nothing renamed, its trap removed the temp file.
    expect(await until('the host to clean up', async () => ((await state()).temps.length === 0 ? await state() : undefined), 5000)).toEqual({ sha: OLD_SHA, temps: [] });
    // No stale lock: the very next run is not refused, and it completes the write.
    const again = await lab.runJson(['run', BIG]);
    expect(again.json.failed, again.stderr).toBe(0);
    expect(await state()).toEqual({ sha: NEW_SHA, temps: [] });
  });

  it('the writer killed without a chance to clean up: old file intact, the temp file is left — and the next run removes it', async () => {
    await resetOld();
    const running = await startWrite();
    const seen = await writers();
    // The writer and its parent shell at once (the shell's trap would otherwise remove the temp file): one kill(2) of
    // their whole process group. Separate kills, one pid after another, leave windows that a loaded machine opens: the
    // shell ran its trap after its cat died, or was gone (reaped) before its own kill came ("No such process").
    await lab.inHost(HOST, `g=$(for p in ${seen}; do cut -d' ' -f5 /proc/$p/stat; done | sort -u); [ $(echo "$g" | wc -l) = 1 ] && [ "$g" -gt 1 ] && kill -9 -$g`);
    const r = await running.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/writing \/etc\/provision-fault\/big\.conf failed \(exit -1, SIGKILL\); the live file is unchanged/);
    await lab.throttle(HOST, undefined);
    const after = await state();
    expect(after.sha).toBe(OLD_SHA);
    expect(after.temps).toHaveLength(1); // SIGKILL: no trap ran; the partial content never went live
    const again = await lab.runJson(['run', BIG]);
    expect(again.json.failed, again.stderr).toBe(0);
    expect(await state()).toEqual({ sha: NEW_SHA, temps: [] });
  });

  it('disk full (a 64 KiB tmpfs at the directory): the live file is untouched and the error says ENOSPC', async () => {
    await lab.inHost(HOST, `mkdir -p ${DIR} && mount -t tmpfs -o size=64k tmpfs ${DIR}`);
    try {
      await resetOld();
      const r = await lab.run(['run', BIG]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/writing \/etc\/provision-fault\/big\.conf failed \(exit 1\); the live file is unchanged\n\s*cat: write error: No space left on device/);
      expect(await state()).toEqual({ sha: OLD_SHA, temps: [] });
    } finally {
      await lab.inHost(HOST, `umount ${DIR}`);
    }
  });

  it('a validator that rejects the new content: the live file is untouched and the error carries the validator\'s message', async () => {
    const good = 'global\nfrontend api\n  bind :6443\n  mode tcp\n';
    // A host has haproxy only where it is installed: from the lab's apt mirror, as provision installs it on an lb host.
    await lab.inHost(HOST, 'command -v haproxy >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null; }');
    expect(await lab.inHost(HOST, 'command -v haproxy')).toMatch(/\/haproxy$/);
    await lab.inHost(HOST, `mkdir -p ${DIR} && printf '%s' '${good}' > ${DIR}/haproxy.cfg`);
    const r = await lab.run(['run', VALIDATED]);
    const all = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(all).toMatch(/validation of \/etc\/provision-fault\/haproxy\.cfg failed \(haproxy -c -f %s\); the live file is unchanged/);
    expect(all).toMatch(/no-such-keyword/); // haproxy's own complaint, naming the bad line
    expect(await lab.inHost(HOST, `cat ${DIR}/haproxy.cfg; ls -A ${DIR} | grep -c provision- || true`)).toBe(`${good}0`);
  });
});
