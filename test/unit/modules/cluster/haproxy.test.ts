// The haproxy module from data: inventory + config/service facts → the Change(s) it must plan.
import mod from '../../../../src/modules/cluster/haproxy.js';
import { renderHaproxyConfig } from '../../../../src/cluster/haproxy-config.js';
import { runModuleCases } from '../harness.js';
import { goldentooth, homelab } from '../../cluster/fixtures.js';

const CFG = '/etc/haproxy/haproxy.cfg';
const inv = goldentooth();
const good = renderHaproxyConfig({ inventory: inv });
const validate = ['haproxy', '-c', '-f', '%s'];
const sys = (...a: string[]) => ({ kind: 'exec', command: { argv: ['systemctl', ...a], sudo: true } });

runModuleCases(mod, [
  {
    name: 'fresh lb: writes a validated config, enables and starts haproxy (reload-or-restart: the package install may have started it)',
    params: {},
    inventory: inv,
    host: 'allyrion',
    facts: { services: { haproxy: 'inactive' } },
    expect: {
      changes: [
        { action: 'create', summary: /create \/etc\/haproxy\/haproxy\.cfg \(API 6443 → 3 control planes\)/, steps: [{ kind: 'write', path: CFG, content: good, mode: 0o644, validate }], diff: true },
        { action: 'run', summary: 'enable and start haproxy', steps: [sys('enable', 'haproxy'), sys('reload-or-restart', 'haproxy')] },
      ],
      converges: false,
    },
  },
  {
    name: 'package default config running: replaced, then reloaded',
    params: {},
    inventory: inv,
    host: 'allyrion',
    facts: { files: { [CFG]: 'global\n    daemon\n' }, services: { haproxy: 'active+enabled' } },
    expect: {
      changes: [
        { action: 'update', steps: [{ kind: 'write', path: CFG, validate }], diff: { before: 'global\n    daemon\n', after: good } },
        { action: 'run', summary: 'reload haproxy (config changed)', steps: [sys('reload', 'haproxy')] },
      ],
      converges: false,
    },
  },
  {
    name: 'converged: config equal and service running is a noop',
    params: {},
    inventory: inv,
    host: 'allyrion',
    facts: { files: { [CFG]: good }, services: { haproxy: 'active+enabled' } },
    expect: { action: 'noop', summary: /haproxy\.cfg .*up to date.*; haproxy enabled and running/ },
  },
  {
    name: 'config equal but service stopped: start only, no reload',
    params: {},
    inventory: inv,
    host: 'allyrion',
    facts: { files: { [CFG]: good }, services: { haproxy: 'inactive+enabled' } },
    expect: { action: 'run', summary: 'start haproxy', steps: [sys('start', 'haproxy')], converges: false },
  },
  {
    name: 'a wrong backend port is planned as asked (the lab proves the run then fails)',
    params: { backendPort: 6444 },
    inventory: inv,
    host: 'allyrion',
    facts: { files: { [CFG]: good }, services: { haproxy: 'active+enabled' } },
    expect: {
      changes: [
        { action: 'update', steps: [{ kind: 'write', content: renderHaproxyConfig({ inventory: inv, backendPort: 6444 }) }], diff: true },
        { action: 'run', summary: 'reload haproxy (config changed)' },
      ],
      converges: false,
    },
  },
  { name: 'control plane: noop, haproxy runs on lb hosts', params: {}, inventory: inv, host: 'bettley', expect: { action: 'noop', summary: 'bettley is a control-plane: HAProxy runs on lb hosts' } },
  { name: 'kube-vip cluster: noop', params: {}, inventory: homelab(), expect: { action: 'noop', summary: 'API endpoint mode is kube-vip: no HAProxy needed' } },
  { name: 'rejects unknown params', params: { port: 1 }, inventory: inv, host: 'allyrion', expect: { error: /port/ } },
  { name: 'rejects an out-of-range port', params: { backendPort: 70000 }, inventory: inv, host: 'allyrion', expect: { error: /70000|65535|too_big|less than/i } },
]);
