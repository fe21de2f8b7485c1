// Reads the network configuration a host persisted (ifupdown, netplan, systemd-networkd, NetworkManager) into `ip` commands for boot.
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const files = (dir, re) => (existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`) : []);

/** ifupdown: `iface` stanzas with address/gateway, and up/post-up commands run by a shell. */
export function ifupdownCommands(text, iface) {
  const cmds = [];
  let current;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (word === 'iface') { current = rest[0]; continue; }
    if (['auto', 'allow-hotplug', 'source', 'source-directory', 'mapping'].includes(word)) { if (word !== 'auto' && word !== 'allow-hotplug') current = undefined; continue; }
    if (!current || (current !== iface && current !== 'lo' && !current.startsWith(`${iface}:`) && !current.startsWith(`${iface}.`))) {
      if (current && current !== 'lo' && (word === 'up' || word === 'post-up')) cmds.push({ shell: arg });
      continue;
    }
    if (current === 'lo') continue;
    if (word === 'address') cmds.push({ argv: ['ip', 'addr', 'replace', arg.includes('/') ? arg : `${arg}/32`, 'dev', iface] });
    else if (word === 'gateway') cmds.push({ argv: ['ip', 'route', 'replace', 'default', 'via', arg] });
    else if (word === 'up' || word === 'post-up') cmds.push({ shell: arg });
  }
  return cmds;
}

function ini(text) {
  const out = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) { section = m[1]; out.push({ section, values: {} }); continue; }
    const eq = line.indexOf('=');
    if (eq < 0 || out.length === 0) continue;
    const k = line.slice(0, eq).trim();
    (out.at(-1).values[k] ??= []).push(line.slice(eq + 1).trim());
  }
  return out;
}

/** systemd-networkd .network files that match the interface: [Address] / [Route] sections and Address=/Gateway= in [Network]. */
export function networkdCommands(text, iface) {
  const sections = ini(text);
  const match = sections.find((s) => s.section === 'Match');
  const names = match?.values.Name?.join(' ').split(/\s+/) ?? [];
  if (names.length && !names.some((n) => new RegExp(`^${n.replace(/\*/g, '.*')}$`).test(iface))) return [];
  const cmds = [];
  for (const s of sections) {
    if (s.section === 'Network' || s.section === 'Address') for (const a of s.values.Address ?? []) cmds.push({ argv: ['ip', 'addr', 'replace', a, 'dev', iface] });
    if (s.section === 'Network') for (const g of s.values.Gateway ?? []) cmds.push({ argv: ['ip', 'route', 'replace', 'default', 'via', g] });
    if (s.section === 'Route') {
      const to = s.values.Destination?.[0] ?? 'default';
      const argv = ['ip', 'route', 'replace', to];
      if (s.values.Gateway?.[0]) argv.push('via', s.values.Gateway[0]);
      argv.push('dev', iface);
      if (s.values.Metric?.[0]) argv.push('metric', s.values.Metric[0]);
      cmds.push({ argv });
    }
  }
  return cmds;
}

/** NetworkManager keyfiles: [ipv4] addressN= and routeN=DEST,GW[,METRIC]. */
export function networkManagerCommands(text, iface) {
  const sections = ini(text);
  const conn = sections.find((s) => s.section === 'connection');
  const ifn = conn?.values['interface-name']?.[0];
  if (ifn && ifn !== iface) return [];
  const cmds = [];
  const v4 = sections.find((s) => s.section === 'ipv4');
  if (!v4) return cmds;
  for (const [k, vals] of Object.entries(v4.values)) {
    if (/^address\d*$/.test(k)) for (const v of vals) {
      const [addr, gw] = v.split(',');
      cmds.push({ argv: ['ip', 'addr', 'replace', addr, 'dev', iface] });
      if (gw) cmds.push({ argv: ['ip', 'route', 'replace', 'default', 'via', gw] });
    }
    if (/^route\d*$/.test(k)) for (const v of vals) {
      const [dest, gw, metric] = v.split(',');
      const argv = ['ip', 'route', 'replace', dest];
      if (gw && gw !== '0.0.0.0') argv.push('via', gw);
      argv.push('dev', iface);
      if (metric) argv.push('metric', metric);
      cmds.push({ argv });
    }
    if (k === 'gateway') cmds.push({ argv: ['ip', 'route', 'replace', 'default', 'via', vals[0]] });
  }
  return cmds;
}

/** netplan: network.ethernets.<iface>.{addresses, routes[{to, via, metric}], gateway4}. */
export function netplanCommands(doc, iface) {
  const cmds = [];
  const groups = doc?.network ?? {};
  for (const kind of ['ethernets', 'bonds', 'vlans', 'bridges']) {
    for (const [name, cfg] of Object.entries(groups[kind] ?? {})) {
      const matchName = cfg?.match?.name ?? cfg?.['set-name'] ?? name;
      if (matchName !== iface && !new RegExp(`^${String(matchName).replace(/\*/g, '.*')}$`).test(iface)) continue;
      for (const a of cfg.addresses ?? []) cmds.push({ argv: ['ip', 'addr', 'replace', typeof a === 'string' ? a : Object.keys(a)[0], 'dev', iface] });
      if (cfg.gateway4) cmds.push({ argv: ['ip', 'route', 'replace', 'default', 'via', cfg.gateway4] });
      for (const r of cfg.routes ?? []) {
        const argv = ['ip', 'route', 'replace', r.to === 'default' ? 'default' : r.to];
        if (r.via) argv.push('via', r.via);
        argv.push('dev', iface);
        if (r.metric !== undefined) argv.push('metric', String(r.metric));
        if (r['on-link']) argv.push('onlink');
        cmds.push({ argv });
      }
    }
  }
  return cmds;
}

/** ifupdown brings the interface up (and so runs its hooks) only when a stanza names it. */
function managesIface(iface) {
  const texts = ['/etc/network/interfaces', ...files('/etc/network/interfaces.d', /^[A-Za-z0-9_-]+$/)].filter(existsSync).map((f) => readFileSync(f, 'utf8'));
  return texts.some((t) => new RegExp(`^\\s*iface\\s+${iface}\\s`, 'm').test(t));
}

/** Everything the host persisted for this interface, in the order a Debian/Raspberry Pi OS boot applies it. */
export async function persistedCommands(iface) {
  const cmds = [];
  for (const f of ['/etc/network/interfaces', ...files('/etc/network/interfaces.d', /^[A-Za-z0-9_-]+$/)]) {
    if (existsSync(f)) cmds.push(...ifupdownCommands(readFileSync(f, 'utf8'), iface));
  }
  if (managesIface(iface)) {
    // ifup runs /etc/network/if-up.d/* (run-parts names) with $IFACE once the interface is up.
    for (const f of files('/etc/network/if-up.d', /^[A-Za-z0-9_-]+$/)) cmds.push({ shell: `IFACE=${iface} MODE=start PHASE=post-up ADDRFAM=inet ${f}` });
  }
  const plan = files('/etc/netplan', /\.ya?ml$/);
  if (plan.length) {
    const { parse } = await import('yaml');
    for (const f of plan) { try { cmds.push(...netplanCommands(parse(readFileSync(f, 'utf8')), iface)); } catch { /* netplan would refuse it too */ } }
  }
  for (const dir of ['/etc/systemd/network', '/run/systemd/network']) {
    for (const f of files(dir, /\.network$/)) cmds.push(...networkdCommands(readFileSync(f, 'utf8'), iface));
    // Drop-ins (<name>.network.d/*.conf) extend their .network file; the lab has one link, so they apply to it.
    for (const d of files(dir, /\.network\.d$/)) for (const f of files(d, /\.conf$/)) cmds.push(...networkdCommands(readFileSync(f, 'utf8'), iface));
  }
  for (const f of files('/etc/NetworkManager/system-connections', /\.nmconnection$/)) cmds.push(...networkManagerCommands(readFileSync(f, 'utf8'), iface));
  return cmds;
}
