// How one host's part of a run ends early: stopped before it changed anything, or failed (maybe unreachable).
/** The run is stopping (--max-fail, Ctrl-C) and this host had not changed anything yet: it is skipped. */
export class HostStopped extends Error {
  constructor(readonly reason: string) {
    super(`not run: ${reason}`);
    this.name = 'HostStopped';
  }
}

/** A failure that ends this host's run; `unreachable` when the host could not be talked to. */
export class HostFailure extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'HostFailure';
  }
}
