// The dead man's switch around a firewall apply: a host-side rollback job that only a confirmed run disarms.
import { shell, type Command } from '../../../core/command.js';
import { NFT_CANDIDATE, NFT_FILE, NFT_TABLE } from '../../../cluster/nft-ruleset.js';

export const GUARD_DIR = '/run/provision/firewall';
/** Present after the host rolled itself back: the run (and the lab tests) can read why. */
export const ROLLED_BACK_MARKER = `${GUARD_DIR}/rolled-back`;

export interface GuardOptions {
  /** Seconds after arming at which the host restores the previous table unless disarmed. */
  rollbackAfterSeconds: number;
}

/**
 * arm: save the live table (or "no table") as a rollback file, then start a job in its own session
 * (setsid, stdio detached, survives the SSH connection) that sleeps and then loads the rollback file.
 * The job writes its pid first; arm waits for it, so a disarm can never miss the job.
 */
export function armCommand(opts: GuardOptions): Command {
  const n = Math.max(1, Math.floor(opts.rollbackAfterSeconds));
  const rb = `${GUARD_DIR}/rollback.nft`;
  const job = [
    `echo $$ > ${GUARD_DIR}/job.pid`,
    `sleep ${n}`,
    `nft -f ${rb} && date -u +%FT%TZ > ${ROLLED_BACK_MARKER}`,
    `rm -f ${GUARD_DIR}/job.pid`,
  ].join('; ');
  return shell(
    [
      'set -e',
      `mkdir -p ${GUARD_DIR}`,
      `rm -f ${ROLLED_BACK_MARKER}`,
      // A job left by an interrupted run must not fire in the middle of this one.
      stopJobScript(),
      `{ echo 'table ${NFT_TABLE} {}'; echo 'delete table ${NFT_TABLE}'; nft list table ${NFT_TABLE} 2>/dev/null || true; } > ${rb}`,
      `setsid nohup sh -c '${job}' </dev/null >/dev/null 2>&1 &`,
      `i=0; while [ ! -s ${GUARD_DIR}/job.pid ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done`,
      `[ -s ${GUARD_DIR}/job.pid ] || { echo 'firewall rollback job did not start' >&2; exit 1; }`,
    ].join('\n'),
    { sudo: true },
  );
}

/**
 * Stop the rollback job's whole process group (the sleep too) and make sure it is gone. POSIX `kill`
 * (dash's builtin) takes `kill -TERM -PGID`; it rejects `kill -TERM -- -PGID` ("Illegal number"), which
 * once made every disarm a silent no-op and every host roll its firewall back after the window.
 */
export function stopJobScript(pidFile = `${GUARD_DIR}/job.pid`): string {
  return [
    `if [ -s ${pidFile} ]; then`,
    `  g=$(cat ${pidFile}); kill -TERM -"$g" 2>/dev/null || true`,
    // Alive = a member of the job's session that is not a zombie (init may take a moment to reap).
    `  i=0; while ps -o stat= -s "$g" 2>/dev/null | grep -qv '^Z' && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done`,
    `  if ps -o stat= -s "$g" 2>/dev/null | grep -qv '^Z'; then echo "the firewall rollback job (session $g) would not stop" >&2; exit 1; fi`,
    `  rm -f ${pidFile}`,
    'fi',
  ].join('\n');
}

/** apply: load the validated candidate in one nft transaction. */
export function applyCommand(): Command {
  return { argv: ['nft', '-f', NFT_CANDIDATE], sudo: true };
}

/**
 * disarm: stop the job (its whole process group, so the sleep dies too), then persist: the candidate
 * becomes the file /etc/nftables.conf includes, and nftables.service loads it at boot.
 * `enable` only, never `restart`: a restart would re-run the user's `flush ruleset` and drop kube-proxy's tables.
 */
export function disarmCommand(opts: { persist: boolean }): Command {
  const lines = [
    'set -e',
    stopJobScript(),
    `if [ -f ${ROLLED_BACK_MARKER} ]; then echo "the host already rolled the firewall back at $(cat ${ROLLED_BACK_MARKER})" >&2; exit 1; fi`,
    `mv -f ${NFT_CANDIDATE} ${NFT_FILE}`,
  ];
  if (opts.persist) lines.push('if command -v systemctl >/dev/null 2>&1; then systemctl enable nftables >/dev/null 2>&1 || true; fi');
  return shell(lines.join('\n'), { sudo: true });
}
