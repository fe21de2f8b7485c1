// Lab stand-in for reboot/shutdown -r: asks this host's init (PID 1 of its PID namespace) for a lab reboot, a moment later.
import { spawn } from 'node:child_process';

const prog = process.env.LAB_PROG ?? 'reboot';
const args = process.argv.slice(2);
if (prog === 'shutdown' && !args.includes('-r') && !args.includes('--reboot')) {
  process.stderr.write('shutdown (provision lab): only reboot (-r) is emulated; use `provision lab down` to power off\n');
  process.exit(1);
}
// Detached, so that the caller (often an SSH session) gets its exit status before sshd goes down.
spawn('/bin/sh', ['-c', 'sleep 0.5; kill -USR1 1'], { detached: true, stdio: 'ignore' }).unref();
if (prog === 'shutdown') process.stdout.write('Reboot scheduled (provision lab)\n');
