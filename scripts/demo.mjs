#!/usr/bin/env node
// The main job on the built-in lab (`npm run demo`): builds the homelab inventory as real booted Debian hosts
// (systemd-nspawn), runs `provision up` twice (the second run must change nothing), verifies, shows the
// kubeconfig, then takes the lab down. A zx script: it is mostly the shell commands a user would type.
// Run it as yourself: it builds as you, then re-runs itself through sudo with your PATH (a node from nvm is not
// on root's PATH) and hands what the lab wrote in the checkout (./kubeconfig) back to you.
import { $, cd, echo, fs, path } from 'zx';

const root = path.resolve(import.meta.dirname, '..');
cd(root);
const inventory = process.argv[2] ?? 'inventory/homelab.yaml';
const name = 'demo';
const shown = $({ stdio: 'inherit' });

// Who runs this, as `id` says (not process.getuid(): the unit test plays a user with its own `id`).
const id = async (flag) => (await $`id ${flag}`).stdout.trim();
if ((await id('-u')) !== '0') {
  if (!fs.existsSync('node_modules')) await shown`npm install --no-audit --no-fund`;
  await shown`npm run build --silent`;
  echo('demo: the lab needs root (network namespaces): continuing through sudo');
  const owner = `${await id('-u')}:${await id('-g')}`;
  const r = await $({ stdio: 'inherit', nothrow: true })`sudo -- env PATH=${process.env.PATH} PROVISION_DEMO_BUILT=1 PROVISION_DEMO_OWNER=${owner} ${process.execPath} ${import.meta.filename} ${inventory}`;
  process.exit(r.exitCode ?? 1);
}

// As root: build as the user who called sudo (no root-owned node_modules or dist), unless already built.
const sudoOwner = process.env.SUDO_UID && process.env.SUDO_UID !== '0' ? `${process.env.SUDO_UID}:${process.env.SUDO_GID ?? process.env.SUDO_UID}` : '';
const owner = process.env.PROVISION_DEMO_OWNER || sudoOwner;
const asOwner = async (argv) => {
  if (!owner) return shown`${argv}`;
  const [uid, gid] = owner.split(':');
  const home = (await $`getent passwd ${uid}`).stdout.split(':')[5];
  return shown`setpriv --reuid=${uid} --regid=${gid} --init-groups env PATH=${process.env.PATH} HOME=${home} ${argv}`;
};
if (!process.env.PROVISION_DEMO_BUILT) {
  if (!fs.existsSync('node_modules')) await asOwner(['npm', 'install', '--no-audit', '--no-fund']);
  await asOwner(['npm', 'run', 'build', '--silent']);
}

const cli = [process.execPath, 'dist/cli/main.js'];
const labRun = (args) => [...cli, 'lab', 'run', '--name', name, '--', ...args];
try {
  await shown`${cli} lab up -i ${inventory} --name ${name} --install-deps`;
  echo('\n== provision up (first run: from bare hosts)');
  await shown`${labRun(['up', '-i', inventory])}`;
  echo('\n== provision up (second run: converged, must change nothing)');
  const second = await $`${labRun(['up', '-i', inventory, '--json'])}`;
  process.stdout.write(second.stdout);
  const { changed } = JSON.parse(second.stdout);
  if (changed !== 0) throw new Error(`second run changed ${changed}`);
  echo('\nsecond run: changed=0');
  echo('\n== provision verify');
  await shown`${labRun(['verify', '-i', inventory])}`;
  await shown`ls -l kubeconfig/`;
} finally {
  await $({ nothrow: true, quiet: true })`${cli} lab down --name ${name}`;
  if (owner && fs.existsSync('kubeconfig')) await $`chown -R ${owner} kubeconfig`;
}
