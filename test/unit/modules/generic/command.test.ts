// The command module from data: guards (creates/unless) decide between noop and run.
import mod from '../../../../src/modules/generic/command.js';
import { commandKey } from '../../../../src/modules/support/probe-key.js';
import { runModuleCases } from '../harness.js';

const unless = 'kubeadm config images list >/dev/null';
const key = commandKey('command:unless', unless);

runModuleCases(mod, [
  { name: 'argv with no guard always runs', params: { argv: ['update-ca-certificates'] }, expect: { action: 'run', summary: 'run sudo update-ca-certificates', steps: [{ kind: 'exec', command: { argv: ['update-ca-certificates'], sudo: true } }], probe: [] } },
  { name: 'shell runs through sh -c', params: { shell: 'echo a | tee /tmp/x' }, expect: { action: 'run', steps: [{ kind: 'exec', command: { argv: ['sh', '-c', 'echo a | tee /tmp/x'] } }] } },
  { name: 'sudo: false and env', params: { argv: ['id'], sudo: false, env: { LC_ALL: 'C' } }, expect: { action: 'run', summary: 'run LC_ALL=C id', steps: [{ kind: 'exec', command: { argv: ['id'], sudo: false, env: { LC_ALL: 'C' } } }] } },
  { name: 'creates: path exists → noop', params: { argv: ['kubeadm', 'init'], creates: '/etc/kubernetes/admin.conf' }, facts: { files: { '/etc/kubernetes/admin.conf': 'x' } }, expect: { action: 'noop', summary: '/etc/kubernetes/admin.conf exists; not running sudo kubeadm init', probe: [{ kind: 'file', path: '/etc/kubernetes/admin.conf' }] } },
  { name: 'creates: path missing → run', params: { argv: ['kubeadm', 'init'], creates: '/etc/kubernetes/admin.conf' }, expect: { action: 'run', summary: 'run sudo kubeadm init' } },
  { name: 'unless exits 0 → noop', params: { argv: ['kubeadm', 'config', 'images', 'pull'], unless }, facts: { commands: { [key]: '' } }, expect: { action: 'noop', summary: `'${unless}' succeeded; not running sudo kubeadm config images pull`, probe: [{ kind: 'command', key, script: unless }] } },
  { name: 'unless fails → run', params: { argv: ['kubeadm', 'config', 'images', 'pull'], unless }, facts: { commands: { [key]: { code: 1, stdout: '' } } }, expect: { action: 'run' } },
  { name: 'both guards: creates wins first', params: { shell: 'x', creates: '/a', unless: 'false' }, facts: { files: { '/a': '' } }, expect: { action: 'noop', summary: /^\/a exists/ } },
  { name: 'both guards: creates missing, unless passes', params: { shell: 'x', creates: '/a', unless: 'true' }, facts: { commands: { [commandKey('command:unless', 'true')]: '' } }, expect: { action: 'noop', summary: /^'true' succeeded/ } },
  {
    name: 'hostile argv stays argv; the summary shows it quoted',
    params: { argv: ['touch', "/tmp/a b'; reboot; '"] },
    expect: { action: 'run', summary: `run sudo touch '/tmp/a b'\\''; reboot; '\\'''`, steps: [{ kind: 'exec', command: { argv: ['touch', "/tmp/a b'; reboot; '"] } }] },
  },
  { name: 'multi-line shell script is allowed', params: { shell: 'set -e\necho a\necho b' }, expect: { action: 'run', steps: [{ kind: 'exec', command: { argv: ['sh', '-c', 'set -e\necho a\necho b'] } }] } },
  { name: 'schema: neither argv nor shell', params: { creates: '/a' }, expect: { error: /exactly one of argv/ } },
  { name: 'schema: both argv and shell', params: { argv: ['a'], shell: 'a' }, expect: { error: /exactly one of argv/ } },
  { name: 'schema: argv must be a list', params: { argv: 'ls -l' }, expect: { error: /array/i } },
  { name: 'schema: empty argv', params: { argv: [] }, expect: { error: /at least the program/ } },
  { name: 'schema: bad env name', params: { argv: ['a'], env: { 'A;B': 'x' } }, expect: { error: /environment variable name/ } },
  { name: 'schema: relative creates', params: { argv: ['a'], creates: 'x' }, expect: { error: /absolute/ } },
  { name: 'schema: unknown param', params: { argv: ['a'], chdir: '/tmp' }, expect: { error: /chdir/ } },
]);
