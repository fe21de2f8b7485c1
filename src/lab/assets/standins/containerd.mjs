// Lab stand-in for containerd: `--version` like the real one; as a service it holds /run/containerd/containerd.sock open.
import { createServer } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';

const version = process.env.LAB_CONTAINERD_VERSION ?? '1.7.24';
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v') || args[0] === 'version') {
  process.stdout.write(`containerd github.com/containerd/containerd${version.startsWith('2.') ? '/v2' : ''} v${version} 88bf19b2105c8b17560993bee28a01ddc2f97182\n`);
  process.exit(0);
}
if (args[0] === 'config' && args[1] === 'default') {
  process.stdout.write(`version = ${version.startsWith('2.') ? 3 : 2}\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    SystemdCgroup = false\n`);
  process.exit(0);
}
const sock = '/run/containerd/containerd.sock';
mkdirSync('/run/containerd', { recursive: true });
rmSync(sock, { force: true });
const server = createServer((c) => c.end()).listen(sock, () => process.stdout.write(`containerd (lab stand-in) v${version} serving on ${sock}\n`));
const stop = () => { server.close(); rmSync(sock, { force: true }); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
