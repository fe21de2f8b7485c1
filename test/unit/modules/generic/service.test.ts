// The service module from data: systemd facts → enable/start/stop plans; restart/reload act as handlers.
import mod from '../../../../src/modules/generic/service.js';
import { runModuleCases } from '../harness.js';

const sc = (...argv: string[]) => ({ kind: 'exec', command: { argv: ['systemctl', ...argv], sudo: true } });

runModuleCases(mod, [
  { name: 'enable and start an inactive unit', params: { name: 'haproxy', enabled: true, state: 'started' }, facts: { services: { haproxy: 'inactive' } }, expect: { action: 'update', summary: 'enable and start service haproxy', steps: [sc('enable', 'haproxy'), sc('start', 'haproxy')], probe: [{ kind: 'service', name: 'haproxy' }] } },
  { name: 'converged: noop says the state', params: { name: 'haproxy', enabled: true, state: 'started' }, facts: { services: { haproxy: 'active+enabled' } }, expect: { action: 'noop', summary: 'service haproxy active, enabled' } },
  { name: 'only start', params: { name: 'haproxy', state: 'started' }, facts: { services: { haproxy: 'inactive+enabled' } }, expect: { action: 'update', steps: [sc('start', 'haproxy')] } },
  { name: 'only enable', params: { name: 'haproxy', enabled: true }, facts: { services: { haproxy: 'active' } }, expect: { action: 'update', summary: 'enable service haproxy', steps: [sc('enable', 'haproxy')] } },
  { name: 'stop and disable', params: { name: 'apparmor', enabled: false, state: 'stopped' }, facts: { services: { apparmor: 'active+enabled' } }, expect: { action: 'update', summary: 'disable and stop service apparmor', steps: [sc('disable', 'apparmor'), sc('stop', 'apparmor')] } },
  { name: 'stopped and disabled: noop', params: { name: 'apparmor', enabled: false, state: 'stopped' }, facts: { services: { apparmor: 'inactive' } }, expect: { action: 'noop', summary: 'service apparmor inactive, not enabled' } },
  { name: 'restarted always runs (a handler)', params: { name: 'containerd', state: 'restarted' }, facts: { services: { containerd: 'active+enabled' } }, expect: { action: 'run', summary: 'restart service containerd', steps: [sc('restart', 'containerd')] } },
  { name: 'reloaded reloads an active unit', params: { name: 'haproxy', state: 'reloaded' }, facts: { services: { haproxy: 'active+enabled' } }, expect: { action: 'run', steps: [sc('reload', 'haproxy')] } },
  { name: 'reloaded starts an inactive unit', params: { name: 'haproxy', state: 'reloaded' }, facts: { services: { haproxy: 'inactive+enabled' } }, expect: { action: 'run', summary: 'start service haproxy', steps: [sc('start', 'haproxy')] } },
  { name: 'daemon_reload prepended when acting', params: { name: 'kubelet', state: 'started', daemon_reload: true }, facts: { services: { kubelet: 'inactive+enabled' } }, expect: { action: 'update', steps: [sc('daemon-reload'), sc('start', 'kubelet')] } },
  { name: 'daemon_reload alone never makes a change', params: { name: 'kubelet', state: 'started', daemon_reload: true }, facts: { services: { kubelet: 'active+enabled' } }, expect: { action: 'noop' } },
  { name: 'unit missing at probe time: planned, and said', params: { name: 'haproxy', enabled: true, state: 'started' }, facts: { services: { haproxy: 'missing' } }, expect: { action: 'update', summary: 'enable and start service haproxy (unit not found when probed)' } },
  { name: 'template unit name', params: { name: 'getty@tty1.service', state: 'started' }, facts: { services: { 'getty@tty1.service': 'inactive' } }, expect: { action: 'update', steps: [sc('start', 'getty@tty1.service')] } },
  { name: 'non-systemd host is an error', params: { name: 'haproxy', state: 'started' }, facts: { base: { initSystem: 'other' } }, expect: { error: /does not run systemd/ } },
  { name: 'schema: nothing asked', params: { name: 'haproxy' }, expect: { error: /give enabled, state, or both/ } },
  { name: 'schema: shell in name', params: { name: 'x; reboot', state: 'started' }, expect: { error: /systemd unit name/ } },
  { name: 'schema: option-looking name', params: { name: '--force', state: 'started' }, expect: { error: /systemd unit name/ } },
  { name: 'schema: bad state', params: { name: 'x', state: 'running' }, expect: { error: /state/ } },
  { name: 'schema: unknown param', params: { name: 'x', state: 'started', masked: true }, expect: { error: /masked/ } },
]);
