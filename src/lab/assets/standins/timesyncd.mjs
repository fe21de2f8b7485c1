// Lab stand-in for systemd-timesyncd: the clock is kernel-global, so it only stays up as the running service.
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
