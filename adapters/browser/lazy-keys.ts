/**
 * A key port whose implementation arrives with its chunk (`device-key.ts`, loaded by `import()`
 * on the first `load` or `generate`). The machine asks for the key at `init`, together with the
 * service's config, so the chunk loads while the config request is on the network.
 *
 * @module
 */
import type { KeyStore, Signer } from "../ports.ts";

/**
 * The device key port of the browser SDK, loaded lazily.
 *
 * @example
 * ```ts
 * const keys = lazyKeyPort(() => import("./device-key.ts").then((m) => m.indexedDbKeyPort("demo")));
 * ```
 */
export function lazyKeyPort(load: () => Promise<KeyStore>): KeyStore {
  let port: Promise<KeyStore> | null = null;
  // A chunk that failed to load (offline) is fetched again on the machine's next key request.
  const get = () =>
    port ??= load().catch((e) => {
      port = null;
      throw e;
    });
  return {
    load: async (): Promise<Signer | null> => await (await get()).load(),
    generate: async (): Promise<Signer> => await (await get()).generate(),
  };
}
