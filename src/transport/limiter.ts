// Counting semaphores: bound handshakes per sshd (MaxStartups) and open channels per connection (MaxSessions).

/** A FIFO semaphore whose limit can be lowered at run time (when sshd refuses more channels). */
export class Limiter {
  #limit: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get active(): number {
    return this.#active;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Lower the limit (never below 1); slots already held stay held. */
  lower(limit: number): void {
    this.#limit = Math.max(1, Math.min(this.#limit, limit));
  }

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.#active++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#active--;
          this.#drain();
        });
      };
      this.#queue.push(grant);
      this.#drain();
    });
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  #drain(): void {
    while (this.#active < this.#limit && this.#queue.length > 0) this.#queue.shift()!();
  }
}

/** One Limiter per key (e.g. "10.4.0.1:22"), created on first use. */
export class KeyedLimiter {
  readonly #limiters = new Map<string, Limiter>();
  constructor(readonly limit: number) {}
  get(key: string): Limiter {
    let l = this.#limiters.get(key);
    if (!l) this.#limiters.set(key, (l = new Limiter(this.limit)));
    return l;
  }
}
