// The line module from data: params + file facts → the Change it must plan.
import mod from '../../../../src/modules/generic/line.js';
import { runModuleCases } from '../harness.js';

const sshd = '/etc/ssh/sshd_config';

runModuleCases(mod, [
  { name: 'appends a missing line', params: { path: sshd, line: 'PermitRootLogin no' }, facts: { files: { [sshd]: 'Port 22\n' } }, expect: { action: 'update', summary: `add line 'PermitRootLogin no' to ${sshd}`, steps: [{ kind: 'write', content: 'Port 22\nPermitRootLogin no\n' }], diff: true } },
  { name: 'noop when the line is there', params: { path: sshd, line: 'PermitRootLogin no' }, facts: { files: { [sshd]: 'PermitRootLogin no\nPort 22' } }, expect: { action: 'noop', summary: `line 'PermitRootLogin no' present in ${sshd}` } },
  {
    name: 'regexp replaces the commented default in place',
    params: { path: sshd, line: 'PermitRootLogin no', regexp: '^#?PermitRootLogin\\s' },
    facts: { files: { [sshd]: 'Port 22\n#PermitRootLogin prohibit-password\nX11Forwarding no\n' } },
    expect: { action: 'update', summary: `set line 'PermitRootLogin no' in ${sshd} (lines matching /^#?PermitRootLogin\\s/)`, steps: [{ kind: 'write', content: 'Port 22\nPermitRootLogin no\nX11Forwarding no\n' }] },
  },
  { name: 'regexp already satisfied: noop', params: { path: sshd, line: 'PermitRootLogin no', regexp: '^#?PermitRootLogin\\s' }, facts: { files: { [sshd]: 'PermitRootLogin no\n' } }, expect: { action: 'noop' } },
  { name: 'missing file is created with the line', params: { path: '/etc/x.conf', line: 'a=1' }, expect: { action: 'create', steps: [{ kind: 'write', path: '/etc/x.conf', content: 'a=1\n' }] } },
  { name: 'create: false and missing file: noop', params: { path: '/etc/x.conf', line: 'a=1', create: false }, expect: { action: 'noop', summary: "/etc/x.conf does not exist; line 'a=1' not added (create: false)" } },
  { name: 'absent removes identical lines', params: { path: '/etc/x.conf', line: 'a=1', state: 'absent' }, facts: { files: { '/etc/x.conf': 'a=1\nb=2\n' } }, expect: { action: 'update', summary: "remove line 'a=1' from /etc/x.conf", steps: [{ kind: 'write', content: 'b=2\n' }] } },
  { name: 'absent by regexp', params: { path: '/etc/fstab', regexp: '\\sswap\\s', state: 'absent' }, facts: { files: { '/etc/fstab': '/dev/sda1 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n' } }, expect: { action: 'update', summary: 'remove lines matching /\\sswap\\s/ from /etc/fstab', steps: [{ kind: 'write', content: '/dev/sda1 / ext4 defaults 0 1\n' }] } },
  { name: 'absent and nothing matches: noop', params: { path: '/etc/fstab', regexp: '\\sswap\\s', state: 'absent' }, facts: { files: { '/etc/fstab': '/dev/sda1 / ext4 defaults 0 1\n' } }, expect: { action: 'noop', summary: 'no lines matching /\\sswap\\s/ in /etc/fstab' } },
  { name: 'absent and missing file: noop', params: { path: '/etc/x.conf', line: 'a', state: 'absent' }, expect: { action: 'noop', summary: "/etc/x.conf does not exist; no line 'a'" } },
  { name: 'hostile line carried verbatim', params: { path: '/etc/x.conf', line: `x='$(reboot)' "\`id\`" \\` }, facts: { files: { '/etc/x.conf': '' } }, expect: { action: 'update', steps: [{ kind: 'write', content: `x='$(reboot)' "\`id\`" \\\n` }] } },
  { name: 'CRLF file gets a CRLF line', params: { path: '/srv/a.txt', line: 'b' }, facts: { files: { '/srv/a.txt': 'a\r\n' } }, expect: { action: 'update', steps: [{ kind: 'write', content: 'a\r\nb\r\n' }] } },
  { name: 'schema: newline in line', params: { path: '/etc/x', line: 'a\nb' }, expect: { error: /single line/ } },
  { name: 'schema: bad regexp', params: { path: '/etc/x', line: 'a', regexp: '(' }, expect: { error: /valid JavaScript regular expression/ } },
  { name: 'schema: line required when present', params: { path: '/etc/x', regexp: 'a' }, expect: { error: /required unless state is absent/ } },
  { name: 'schema: absent needs line or regexp', params: { path: '/etc/x', state: 'absent' }, expect: { error: /needs line or regexp/ } },
  { name: 'schema: unknown param', params: { path: '/etc/x', line: 'a', after: 'b' }, expect: { error: /after/ } },
]);
