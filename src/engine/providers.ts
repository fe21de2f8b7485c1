// Resolves provider outputs (join tokens, certificate keys) lazily, at most once per run, on the first ready host.
import type { Inventory } from '../inventory/types.js';
import { displayCommand } from '../core/command.js';
import { type Secret } from '../core/secret.js';
import type { Session } from '../core/session.js';
import type { Provider } from '../core/types.js';

export interface ProviderResolverOptions {
  providers: ReadonlyMap<string, Provider>;
  inventory: Inventory;
  /** The run's session to a host (connects on first use: the candidate may not be in the play). */
  session(hostName: string): Promise<Session>;
}

export class ProviderError extends Error {}

/**
 * Providers are registered by modules: a module file may `export const providers: Provider[]` next to
 * its default Module; the playbook loader collects them by name. A Change that uses `{{name.key}}`
 * templates lists `needs: ['name']` (templates are scanned too). Outputs stay Secret and in memory.
 */
export class ProviderResolver {
  readonly #cache = new Map<string, Promise<Record<string, Secret>>>();
  readonly #madeOn = new Map<string, string>();
  constructor(private readonly opts: ProviderResolverOptions) {}

  get = (name: string): Promise<Record<string, Secret>> => {
    let p = this.#cache.get(name);
    if (!p) {
      p = this.#resolve(name);
      this.#cache.set(name, p);
    }
    return p;
  };

  /** The host whose command made the provider's value in this run (undefined until it did). */
  madeOn(name: string): string | undefined {
    return this.#madeOn.get(name);
  }

  async #resolve(name: string): Promise<Record<string, Secret>> {
    const provider = this.opts.providers.get(name);
    if (!provider) throw new ProviderError(`no provider named '${name}' (a module must export it in \`providers\`)`);
    const tried: string[] = [];
    const notReady: string[] = [];
    for (const host of provider.candidates(this.opts.inventory)) {
      let session: Session;
      try {
        session = await this.opts.session(host);
      } catch (e) {
        tried.push(`${host}: unreachable (${(e as Error).message})`);
        continue;
      }
      const ready = await session.exec(provider.ready);
      if (ready.code !== 0) {
        notReady.push(host);
        continue;
      }
      const out = await session.exec(provider.command);
      // The provider's stdout and stderr may hold the secret itself: never put them in the message.
      if (out.code !== 0) throw new ProviderError(`provider '${name}' failed on ${host}: ${displayCommand(provider.command)} exited ${out.code}`);
      this.#madeOn.set(name, host);
      return provider.parse(out.stdout);
    }
    if (notReady.length) tried.push(`${notReady.join(', ')} not ready (${provider.readyMeans ?? `${displayCommand(provider.ready)} failed`})`);
    throw new ProviderError(`no host can provide '${name}'${tried.length ? `: ${tried.join('; ')}` : ' (no candidates)'}`);
  }
}
