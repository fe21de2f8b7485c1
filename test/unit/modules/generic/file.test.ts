// The file module from data: params + file facts → the Change it must plan.
import { createHash } from 'node:crypto';
import mod from '../../../../src/modules/generic/file.js';
import { runModuleCases } from '../harness.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const meta = (content: string, over: object = {}) => ({ exists: true, content, mode: 0o644, owner: 'root', group: 'root', ...over });

runModuleCases(mod, [
  {
    name: 'creates a missing file with mode and owner',
    params: { path: '/etc/motd', content: 'hi\n', mode: '0640', owner: 'root', group: 'adm' },
    expect: {
      action: 'create',
      summary: 'create /etc/motd (mode 0640, root, group adm)',
      steps: [{ kind: 'write', path: '/etc/motd', content: 'hi\n', mode: 0o640, owner: 'root', group: 'adm' }],
      diff: { before: '', after: 'hi\n' },
      probe: [{ kind: 'file', path: '/etc/motd' }],
    },
  },
  { name: 'noop when content equal', params: { path: '/etc/motd', content: 'hi\n' }, facts: { files: { '/etc/motd': 'hi\n' } }, expect: { action: 'noop', summary: '/etc/motd up to date' } },
  {
    name: 'noop with matching mode given as YAML number 644',
    params: { path: '/etc/motd', content: 'hi\n', mode: 644 },
    facts: { files: { '/etc/motd': 'hi\n' } },
    expect: { action: 'noop', summary: '/etc/motd up to date (mode 0644)' },
  },
  {
    name: 'update with a diff when content differs',
    params: { path: '/etc/motd', content: 'new\n', backup: true },
    facts: { files: { '/etc/motd': 'old\n' } },
    expect: { action: 'update', summary: 'update /etc/motd', steps: [{ kind: 'write', path: '/etc/motd', content: 'new\n', backup: true }], diff: { before: 'old\n', after: 'new\n' } },
  },
  {
    name: 'mode drift only: chmod, no content diff',
    params: { path: '/etc/motd', content: 'hi\n', mode: '0600' },
    facts: { files: { '/etc/motd': meta('hi\n', { mode: 0o100644 }) } },
    expect: { action: 'update', summary: '/etc/motd: mode 0644 → 0600', steps: [{ kind: 'exec', command: { argv: ['chmod', '0600', '/etc/motd'], sudo: true } }], diff: false },
  },
  {
    name: 'owner and group drift: one chown',
    params: { path: '/etc/motd', content: 'hi\n', owner: 'pi', group: 'adm' },
    facts: { files: { '/etc/motd': meta('hi\n') } },
    expect: { action: 'update', summary: '/etc/motd: owner root → pi, group root → adm', steps: [{ kind: 'exec', command: { argv: ['chown', 'pi:adm', '/etc/motd'] } }], diff: false },
  },
  {
    name: 'group drift alone: chown :group',
    params: { path: '/etc/motd', content: 'hi\n', owner: 'root', group: 'adm' },
    facts: { files: { '/etc/motd': meta('hi\n') } },
    expect: { action: 'update', steps: [{ kind: 'exec', command: { argv: ['chown', ':adm', '/etc/motd'] } }] },
  },
  {
    name: 'content and mode drift: one write carrying the mode',
    params: { path: '/etc/motd', content: 'b\n', mode: '0600' },
    facts: { files: { '/etc/motd': meta('a\n') } },
    expect: { action: 'update', steps: [{ kind: 'write', content: 'b\n', mode: 0o600 }], diff: true },
  },
  {
    name: 'large file known only by hash: other hash is an update without diff',
    params: { path: '/var/big', content: 'x'.repeat(10) },
    facts: { files: { '/var/big': { exists: true, sha256: sha256('y'), mode: 0o644, owner: 'root', group: 'root' } } },
    expect: { action: 'update', summary: 'update /var/big', diff: false },
  },
  {
    name: 'large file known only by hash: matching hash is noop',
    params: { path: '/var/big', content: 'x'.repeat(10) },
    facts: { files: { '/var/big': { exists: true, sha256: sha256('x'.repeat(10)), mode: 0o644, owner: 'root', group: 'root' } } },
    expect: { action: 'noop' },
  },
  {
    name: 'validate argv passed through',
    params: { path: '/etc/haproxy/haproxy.cfg', content: 'global\n', validate: ['haproxy', '-c', '-f', '%s'] },
    expect: { action: 'create', steps: [{ kind: 'write', validate: ['haproxy', '-c', '-f', '%s'] }] },
  },
  { name: 'absent: deletes an existing file', params: { path: '/etc/motd', state: 'absent' }, facts: { files: { '/etc/motd': 'hi\n' } }, expect: { action: 'delete', summary: 'delete /etc/motd', steps: [{ kind: 'delete', path: '/etc/motd' }], diff: { before: 'hi\n', after: '' } } },
  { name: 'absent: noop when missing', params: { path: '/etc/motd', state: 'absent' }, expect: { action: 'noop', summary: '/etc/motd absent' } },
  {
    name: 'hostile path and content are carried verbatim',
    params: { path: `/srv/my dir/it's "odd" $(x).txt`, content: `line1\n'; rm -rf / #\n$(reboot)\n\`id\`\n\\n\r\n` },
    expect: { action: 'create', steps: [{ kind: 'write', path: `/srv/my dir/it's "odd" $(x).txt`, content: `line1\n'; rm -rf / #\n$(reboot)\n\`id\`\n\\n\r\n` }] },
  },
  { name: 'empty content is a real, empty file', params: { path: '/etc/empty', content: '' }, expect: { action: 'create', steps: [{ kind: 'write', content: '' }] } },
  { name: 'schema: unknown param', params: { path: '/etc/motd', content: 'x', contents: 'y' }, expect: { error: /contents/ } },
  { name: 'schema: relative path', params: { path: 'etc/motd', content: 'x' }, expect: { error: /absolute path/ } },
  { name: 'schema: newline in path', params: { path: '/etc/mo\ntd', content: 'x' }, expect: { error: /newline/ } },
  { name: 'schema: content required when present', params: { path: '/etc/motd' }, expect: { error: /required unless state is absent/ } },
  { name: 'schema: content with absent', params: { path: '/etc/motd', state: 'absent', content: 'x' }, expect: { error: /state: absent/ } },
  { name: 'schema: bad mode', params: { path: '/etc/motd', content: 'x', mode: '0999' }, expect: { error: /invalid file mode/ } },
  { name: 'schema: validate without %s', params: { path: '/etc/motd', content: 'x', validate: ['true'] }, expect: { error: /%s/ } },
  { name: 'schema: bad owner', params: { path: '/etc/motd', content: 'x', owner: 'root; id' }, expect: { error: /user\/group name/ } },
]);
