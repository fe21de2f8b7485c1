// The usage and flags of `provision lab` and each of its sub-verbs (help, did-you-mean and parsing read them).
import { defineVerb } from './args.js';

const NAME_FLAG = { name: { type: 'string' } } as const;
const NAME_HELP = '  --name N               the lab (default: the only one up)';

export const specs = {
  up: defineVerb({
    name: 'lab up',
    options: {
      inventory: { type: 'string', short: 'i' },
      ...NAME_FLAG,
      'sudo-password': { type: 'boolean' },
      containerd: { type: 'string' },
      'install-deps': { type: 'boolean' },
      parallel: { type: 'string' },
      'sshd-option': { type: 'string', multiple: true },
      stack: { type: 'string', multiple: true },
    },
    help: `usage: provision lab up -i INVENTORY [--name N] [--sudo-password] [--containerd VERSION]
                        [--install-deps] [--parallel N] [--sshd-option 'Keyword value']...
                        [--stack STACK | --stack HOST=STACK]...

Boots every host of the inventory as a Debian system with real systemd (systemd-nspawn), each in its own
network namespace with the inventory's address (needs root on Linux).
  -i, --inventory FILE   the inventory
  --name N               the lab's name (default: the cluster's name)
  --sudo-password        the login user needs a sudo password, read from PROVISION_BECOME_PASSWORD or asked for
  --containerd VERSION   the containerd version the lab's apt mirror offers (default 1.7.24)
  --install-deps         apt-get update, then install the Debian packages the lab needs
  --parallel N           hosts built at once (default 4)
  --sshd-option 'Keyword value'  an extra line for every host's sshd_config, e.g. 'MaxSessions 1' (repeatable)
  --stack STACK          the network stack that configures a host's address at boot:
                         ifupdown (default), networkmanager, netplan or systemd-networkd;
                         --stack HOST=STACK for one host (repeatable)
  -h, --help             this text`,
  }),
  base: defineVerb({
    name: 'lab base',
    options: { 'install-deps': { type: 'boolean' } },
    help: `usage: provision lab base [--install-deps]

Builds (or reuses) the cached Debian root that nspawn lab hosts boot (debootstrap, a few minutes the first
time; rebuilt when its recipe changes) and prints its path.
  --install-deps         apt-get update, then install the Debian packages the lab needs
  -h, --help             this text`,
  }),
  down: defineVerb({
    name: 'lab down',
    options: NAME_FLAG,
    help: `usage: provision lab down [--name N]

Removes the lab: namespaces, processes, mounts, files (idempotent).
${NAME_HELP}
  -h, --help             this text`,
  }),
  status: defineVerb({
    name: 'lab status',
    options: NAME_FLAG,
    help: `usage: provision lab status [--name N]

One line per host: address, state, sshd, boot id. Exit 1 when a host or its sshd is down.
${NAME_HELP}
  -h, --help             this text`,
  }),
  exec: defineVerb({
    name: 'lab exec',
    options: NAME_FLAG,
    positionals: true,
    help: `usage: provision lab exec HOST [--name N] -- CMD...

Runs CMD inside HOST as root; exits with CMD's exit status.
${NAME_HELP}
  -h, --help             this text`,
  }),
  ssh: defineVerb({
    name: 'lab ssh',
    options: NAME_FLAG,
    positionals: true,
    help: `usage: provision lab ssh HOST [--name N] [-- ARGS...]

OpenSSH from the lab's laptop namespace, with the lab's key and known_hosts; exits with ssh's status.
${NAME_HELP}
  -h, --help             this text`,
  }),
  reboot: defineVerb({
    name: 'lab reboot',
    options: { ...NAME_FLAG, 'no-wait': { type: 'boolean' } },
    positionals: true,
    help: `usage: provision lab reboot HOST [--name N] [--no-wait]

Reboots HOST: runtime state goes, what it persisted comes back.
${NAME_HELP}
  --no-wait              do not wait for the host to come back
  -h, --help             this text`,
  }),
  run: defineVerb({
    name: 'lab run',
    options: NAME_FLAG,
    help: `usage: provision lab run [--name N] -- ARGS...

Runs 'provision ARGS' from the lab's laptop namespace (the lab's ssh_config, key and apt mirror);
exits with its exit status.
${NAME_HELP}
  -h, --help             this text`,
  }),
};

export const spec = defineVerb({
  name: 'lab',
  options: {},
  positionals: true,
  help: `usage: provision lab <verb> [options]
       provision help lab <verb>

  up -i INVENTORY        build every host of the inventory as a real SSH host in network namespaces
  base                   build (or reuse) the cached Debian root that nspawn hosts boot; prints its path
  down [--name N]        remove the lab: namespaces, processes, mounts, files (idempotent)
  status [--name N]      one line per host: address, state, sshd, boot id
  exec HOST -- CMD...    run CMD inside HOST as root
  ssh HOST [-- ARGS...]  OpenSSH from the lab's laptop namespace, with the lab's key and known_hosts
  reboot HOST [--no-wait]
                         reboot HOST: runtime state goes, what it persisted comes back
  run -- ARGS...         run 'provision ARGS' from the laptop namespace (lab ssh_config, key, apt mirror)
  -h, --help             this text`,
});
