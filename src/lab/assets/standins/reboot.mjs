// Lab stand-in for reboot/shutdown -r: asks this host's init (PID 1 of its PID namespace) for a lab reboot.
const prog = process.env.LAB_PROG ?? 'reboot';
const args = process.argv.slice(2);
if (prog === 'shutdown' && !args.includes('-r') && !args.includes('--reboot')) {
  process.stderr.write('shutdown (provision lab): only reboot (-r) is emulated; use `provision lab down` to power off\n');
  process.exit(1);
}
process.stdout.write('');
setTimeout(() => process.kill(1, 'SIGUSR1'), prog === 'shutdown' && !args.includes('now') ? 1000 : 100);
