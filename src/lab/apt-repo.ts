// Builds the lab's offline apt mirror: stand-in kubeadm/kubelet/kubectl/containerd .debs (amd64 + arm64), Packages, a signed Release.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { IN_HOST_STANDINS } from './host-root.js';
import { run, mapLimit } from './sh.js';

export interface DebSpec {
  name: string;
  version: string;
  description: string;
  /** path inside the package → {content, mode} */
  files: Record<string, { content: string; mode: number }>;
}

// `kubeadm version -o short` is in every probe: answered in sh (the Node stand-in prints the same).
// Read-only version query of every probe, answered in sh; LAB_NO_FAST_PATH=1 sends it to Node like the host shims.
const fastVersion = (prog: string, kube: string) =>
  prog === 'kubeadm' && kube ? `if [ "\${LAB_NO_FAST_PATH:-}" != 1 ] && [ "$*" = "version -o short" ]; then echo v${kube}; exit 0; fi\n` : '';

const shim = (script: string, prog: string, kube = '') => ({
  content: `#!/bin/sh\n# provision lab stand-in (${prog})\n${fastVersion(prog, kube)}export LAB_PROG=${prog}${kube ? `\nexport LAB_KUBE_VERSION=${kube}` : ''}\nexec /usr/bin/node ${IN_HOST_STANDINS}/${script} "$@"\n`,
  mode: 0o755,
});

const unit = (desc: string, exec: string, extra = '') => ({
  content: `[Unit]\nDescription=${desc}\nAfter=network-online.target\n\n[Service]\n${extra}ExecStart=${exec}\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n`,
  mode: 0o644,
});

export interface RepoVersions {
  /** "1.32" → packages 1.32.3-1.1 */
  kubernetes: string;
  containerd: string;
}

export function kubePackageVersion(minor: string): string {
  return `${minor}.3-1.1`;
}

/** The next minor after "1.32": "1.33" (the lab serves it and the one after, so an upgrade has somewhere to go, twice). */
export function nextMinor(minor: string): string {
  const [major, m] = minor.split('.');
  return `${major}.${Number(m) + 1}`;
}

/**
 * pkgs.k8s.io-like per-minor repositories the lab serves under kubernetes/, kube packages only: v1.32/, v1.33/ and
 * v1.34/ (two upgrades in one lab; a 1.32 → 1.34 jump is then refused by policy, not by a missing repository).
 */
export function minorRepos(v: RepoVersions): Array<{ path: string; specs: DebSpec[] }> {
  const minor = v.kubernetes.split('.').slice(0, 2).join('.');
  return [minor, nextMinor(minor), nextMinor(nextMinor(minor))].map((m) => ({ path: `kubernetes/v${m}`, specs: debSpecs({ ...v, kubernetes: m }).filter((d) => d.name !== 'containerd') }));
}

export function debSpecs(v: RepoVersions): DebSpec[] {
  const kv = kubePackageVersion(v.kubernetes);
  return [
    { name: 'kubeadm', version: kv, description: 'provision lab stand-in for kubeadm', files: { '/usr/bin/kubeadm': shim('kubeadm.mjs', 'kubeadm', kv.split('-')[0]) } },
    { name: 'kubectl', version: kv, description: 'provision lab stand-in for kubectl', files: { '/usr/bin/kubectl': shim('kubectl.mjs', 'kubectl', kv.split('-')[0]) } },
    {
      name: 'kubelet',
      version: kv,
      description: 'provision lab stand-in for the kubelet (static pods: API server, kube-vip)',
      files: { '/usr/bin/kubelet': shim('kubelet.mjs', 'kubelet', kv.split('-')[0]), '/lib/systemd/system/kubelet.service': unit('kubelet: The Kubernetes Node Agent', '/usr/bin/kubelet', 'KillMode=control-group\n') },
    },
    {
      name: 'containerd',
      version: `${v.containerd}-1`,
      description: 'provision lab stand-in for containerd',
      files: {
        '/usr/bin/containerd': {
          // `containerd --version` is in every probe: answered in sh, exactly as the Node stand-in prints it.
          content: shim('containerd.mjs', 'containerd').content.replace(
            'exec ',
            `export LAB_CONTAINERD_VERSION=${v.containerd}\nif [ "\${LAB_NO_FAST_PATH:-}" != 1 ] && [ "$*" = --version ]; then echo "containerd github.com/containerd/containerd${v.containerd.startsWith('2.') ? '/v2' : ''} v${v.containerd} 88bf19b2105c8b17560993bee28a01ddc2f97182"; exit 0; fi\nexec `,
          ),
          mode: 0o755,
        },
        // ctr: only what provision runs with it (etcdutl from the etcd image, for restore).
        '/usr/bin/ctr': shim('ctr.mjs', 'ctr'),
        '/lib/systemd/system/containerd.service': unit('containerd container runtime', '/usr/bin/containerd'),
      },
    },
  ];
}

export function controlFile(spec: DebSpec, arch: string): string {
  return [`Package: ${spec.name}`, `Version: ${spec.version}`, `Architecture: ${arch}`, 'Maintainer: provision lab <lab@provision.invalid>', 'Section: admin', 'Priority: optional', `Description: ${spec.description}`, ''].join('\n');
}

function hashes(buf: Buffer) {
  return {
    md5: createHash('md5').update(buf).digest('hex'),
    sha256: createHash('sha256').update(buf).digest('hex'),
    size: buf.length,
  };
}

/** One Packages stanza per .deb (the fields apt needs). */
export function packagesStanza(control: string, filename: string, deb: Buffer): string {
  const h = hashes(deb);
  return `${control.trimEnd()}\nFilename: ${filename}\nSize: ${h.size}\nMD5sum: ${h.md5}\nSHA256: ${h.sha256}\n`;
}

export function releaseFile(indexes: Record<string, Buffer>, date: Date): string {
  const rows = (k: 'md5' | 'sha256') => Object.entries(indexes).map(([n, b]) => ` ${hashes(b)[k]} ${b.length} ${n}`);
  return ['Origin: provision-lab', 'Label: provision-lab', 'Suite: lab', 'Codename: lab', `Date: ${date.toUTCString().replace('GMT', 'UTC')}`, 'Architectures: amd64 arm64', 'MD5Sum:', ...rows('md5'), 'SHA256:', ...rows('sha256'), ''].join('\n');
}

async function realDebControls(dir: string): Promise<Array<{ file: string; control: string; from: string }>> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.deb')).sort();
  return mapLimit(files, 4, async (file) => ({ file, from: `${dir}/${file}`, control: (await run(['dpkg-deb', '-f', `${dir}/${file}`])).stdout }));
}

export interface BuiltRepo {
  dir: string;
  /** Binary keyring for signed-by= */
  keyring: Buffer;
}

/** Runs gpg inside `nsWrap` (the router namespace) so that a gpg-agent it starts is swept with the lab. */
/**
 * realDebs: a directory of real Debian .debs (the base root's mirror-only packages) served in the `debian` repository
 * next to the stand-ins, as apt on a real node would find them.
 */
export async function buildRepo(opts: { dir: string; versions: RepoVersions; nsWrap: (argv: string[]) => string[]; realDebs?: string }): Promise<BuiltRepo> {
  const { dir } = opts;
  rmSync(dir, { recursive: true, force: true });
  const build = `${dir}/.build`;
  const gnupg = `${dir}/.gnupg`;
  mkdirSync(gnupg, { recursive: true, mode: 0o700 });
  const gpg = (args: string[], input?: string) => run(opts.nsWrap(['gpg', '--homedir', gnupg, '--batch', '--quiet', '--no-tty', ...args]), { input });
  const keyPromise = gpg(['--passphrase', '', '--quick-gen-key', 'provision lab apt <lab@provision.invalid>', 'ed25519', 'sign', 'never']);
  const debs: Array<{ arch: string; file: string; control: string }> = [];
  const extra = minorRepos(opts.versions);
  const base = debSpecs(opts.versions);
  const specs = [...base, ...extra.flatMap((r) => r.specs).filter((s) => !base.some((b) => b.name === s.name && b.version === s.version))];
  const jobs = specs.flatMap((spec) => ['amd64', 'arm64'].map((arch) => ({ spec, arch })));
  await mapLimit(jobs, 4, async ({ spec, arch }) => {
    const root = `${build}/${spec.name}_${arch}`;
    mkdirSync(`${root}/DEBIAN`, { recursive: true });
    const control = controlFile(spec, arch);
    writeFileSync(`${root}/DEBIAN/control`, control);
    for (const [p, f] of Object.entries(spec.files)) {
      mkdirSync(`${root}${p.slice(0, p.lastIndexOf('/'))}`, { recursive: true });
      writeFileSync(`${root}${p}`, f.content);
      chmodSync(`${root}${p}`, f.mode);
    }
    const file = `${spec.name}_${spec.version}_${arch}.deb`;
    await run(['dpkg-deb', '--root-owner-group', '-Zgzip', '-z1', '--build', root, `${build}/${file}`]);
    debs.push({ arch, file, control });
  });
  await keyPromise;
  await gpg(['--yes', '-o', `${dir}/provision-lab.gpg`, '--export']);
  const armored = (await gpg(['--armor', '--export'])).stdout;
  const keyringBuf = readFileSync(`${dir}/provision-lab.gpg`);
  const real = opts.realDebs ? await realDebControls(opts.realDebs) : [];
  const inRepo = (repo: string) => {
    const wanted = repo.startsWith('kubernetes/') ? extra.find((r) => r.path === repo)!.specs : base;
    return debs.filter((d) => wanted.some((w) => d.file.startsWith(`${w.name}_${w.version}_`)));
  };
  for (const repo of ['kubernetes', 'debian', ...extra.map((r) => r.path)]) {
    const rdir = `${dir}/${repo}`;
    mkdirSync(rdir, { recursive: true });
    const stanzas: string[] = [];
    const all = [...inRepo(repo).map((d) => ({ ...d, from: `${build}/${d.file}` })), ...(repo === 'debian' ? real : [])];
    for (const d of all.sort((a, b) => a.file.localeCompare(b.file))) {
      copyFileSync(d.from, `${rdir}/${d.file}`);
      stanzas.push(packagesStanza(d.control, `./${d.file}`, readFileSync(`${rdir}/${d.file}`)));
    }
    const packages = Buffer.from(stanzas.join('\n'));
    const packagesGz = gzipSync(packages);
    writeFileSync(`${rdir}/Packages`, packages);
    writeFileSync(`${rdir}/Packages.gz`, packagesGz);
    writeFileSync(`${rdir}/Release`, releaseFile({ Packages: packages, 'Packages.gz': packagesGz }, new Date()));
    await gpg(['--yes', '--clearsign', '-o', `${rdir}/InRelease`, `${rdir}/Release`]);
    await gpg(['--yes', '-abs', '-o', `${rdir}/Release.gpg`, `${rdir}/Release`]);
    writeFileSync(`${rdir}/Release.key`, armored);
  }
  await run(opts.nsWrap(['gpgconf', '--homedir', gnupg, '--kill', 'all']), { nothrow: true });
  rmSync(build, { recursive: true, force: true });
  statSync(`${dir}/kubernetes/InRelease`);
  return { dir, keyring: keyringBuf };
}
