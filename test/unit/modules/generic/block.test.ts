// The block module from data: params + file facts → the Change it must plan.
import mod from '../../../../src/modules/generic/block.js';
import { runModuleCases } from '../harness.js';

const B = '# BEGIN provision';
const E = '# END provision';

runModuleCases(mod, [
  {
    name: 'creates a missing file holding the block',
    params: { path: '/etc/hosts', block: '10.0.0.1 a\n10.0.0.2 b\n' },
    expect: { action: 'create', summary: "write block 'provision' in /etc/hosts", steps: [{ kind: 'write', path: '/etc/hosts', content: `${B}\n10.0.0.1 a\n10.0.0.2 b\n${E}\n` }], diff: { before: '' } },
  },
  {
    name: 'appends to an existing file, other lines untouched',
    params: { path: '/etc/hosts', block: '10.0.0.1 a' },
    facts: { files: { '/etc/hosts': '127.0.0.1 localhost\n' } },
    expect: { action: 'update', steps: [{ kind: 'write', content: `127.0.0.1 localhost\n${B}\n10.0.0.1 a\n${E}\n` }], diff: { before: '127.0.0.1 localhost\n' } },
  },
  {
    name: 'noop when the block is already there',
    params: { path: '/etc/hosts', block: '10.0.0.1 a' },
    facts: { files: { '/etc/hosts': `127.0.0.1 localhost\n${B}\n10.0.0.1 a\n${E}\n::1 x\n` } },
    expect: { action: 'noop', summary: "block 'provision' up to date in /etc/hosts" },
  },
  {
    name: 'replaces a drifted block in place',
    params: { path: '/etc/hosts', block: '10.0.0.1 a' },
    facts: { files: { '/etc/hosts': `top\n${B}\n10.0.0.9 a\n${E}\nbottom\n` } },
    expect: { action: 'update', steps: [{ kind: 'write', content: `top\n${B}\n10.0.0.1 a\n${E}\nbottom\n` }], diff: true },
  },
  {
    name: 'custom marker and comment leader',
    params: { path: '/etc/haproxy/haproxy.cfg', block: 'backend k8s', marker: 'k8s api', comment: '##' },
    facts: { files: { '/etc/haproxy/haproxy.cfg': 'global\n' } },
    expect: { action: 'update', steps: [{ kind: 'write', content: 'global\n## BEGIN k8s api\nbackend k8s\n## END k8s api\n' }] },
  },
  {
    name: 'create: false and missing file: noop that says so',
    params: { path: '/etc/x.conf', block: 'a', create: false },
    expect: { action: 'noop', summary: "/etc/x.conf does not exist; block 'provision' not added (create: false)" },
  },
  {
    name: 'absent removes the block',
    params: { path: '/etc/hosts', state: 'absent' },
    facts: { files: { '/etc/hosts': `a\n${B}\nx\n${E}\nb\n` } },
    expect: { action: 'update', summary: "remove block 'provision' from /etc/hosts", steps: [{ kind: 'write', content: 'a\nb\n' }] },
  },
  { name: 'absent with no block: noop', params: { path: '/etc/hosts', state: 'absent' }, facts: { files: { '/etc/hosts': 'a\n' } }, expect: { action: 'noop', summary: "no block 'provision' in /etc/hosts" } },
  { name: 'absent and missing file: noop', params: { path: '/etc/hosts', state: 'absent' }, expect: { action: 'noop', summary: "/etc/hosts does not exist; no block 'provision'" } },
  {
    name: 'CRLF file keeps its endings',
    params: { path: '/srv/a.ini', block: 'k=v' },
    facts: { files: { '/srv/a.ini': `x\r\n${B}\r\nk=old\r\n${E}\r\n` } },
    expect: { action: 'update', steps: [{ kind: 'write', content: `x\r\n${B}\r\nk=v\r\n${E}\r\n` }] },
  },
  {
    name: 'hostile content and path carried verbatim',
    params: { path: "/srv/a b/'q'.conf", block: `$(reboot) '; rm -rf / \`id\`` },
    expect: { action: 'create', steps: [{ kind: 'write', path: "/srv/a b/'q'.conf", content: `${B}\n$(reboot) '; rm -rf / \`id\`\n${E}\n` }] },
  },
  { name: 'duplicate markers are an error naming the file', params: { path: '/etc/hosts', block: 'a' }, facts: { files: { '/etc/hosts': `${B}\n${E}\n${B}\n${E}\n` } }, expect: { error: /\/etc\/hosts: duplicate/ } },
  { name: 'unbalanced markers are an error', params: { path: '/etc/hosts', block: 'a' }, facts: { files: { '/etc/hosts': `${B}\nx\n` } }, expect: { error: /unbalanced/ } },
  { name: 'file too large to read is an error', params: { path: '/etc/hosts', block: 'a' }, facts: { files: { '/etc/hosts': { exists: true, sha256: 'ab' } } }, expect: { error: /too large/ } },
  { name: 'schema: block required', params: { path: '/etc/hosts' }, expect: { error: /required unless state is absent/ } },
  { name: 'schema: multi-line marker', params: { path: '/etc/hosts', block: 'a', marker: 'a\nb' }, expect: { error: /single line/ } },
  { name: 'schema: empty marker', params: { path: '/etc/hosts', block: 'a', marker: '' }, expect: { error: /too_small|>=1|at least/i } },
  { name: 'schema: unknown param', params: { path: '/etc/hosts', block: 'a', insertafter: 'x' }, expect: { error: /insertafter/ } },
]);
