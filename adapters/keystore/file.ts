/**
 * File key store for Node, Bun and Deno (assurance `persistent-file`): the device key pair as a
 * private JWK in `<directory>/<name>.json`, mode 0600 in a 0700 directory, written atomically
 * (temporary file, fsync, rename). A server runtime has no non-extractable key store, so the
 * private key is necessarily on disk; it is re-imported non-extractable on load.
 *
 * Unusable contents — not JSON, not our format, a foreign or mismatched key, a symlink, or
 * permissions that let others read it — make `load` throw `ERR_KEY_STORE` (never crash).
 * Recovery (`keyPort`): `discard` renames the file to `<name>.json.corrupt` for inspection, a
 * new key is generated and saved, and the session create reports `key_event: "lost"` (SPEC
 * §9.8).
 *
 * Imports `node:fs`: only Node-facing entries import this file.
 *
 * @module
 */
import { lstat, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { platform } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { DeviceSessionError, errorFromCode } from "../../core/errors/mod.ts";
import { algOfKey } from "../../core/token/mod.ts";
import type { KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";
import { randomId } from "../crypto/random.ts";
import { importPrivateJwk, publicMembers } from "../crypto/webcrypto.ts";
import { checkKeyPair } from "./check.ts";
import type { DeviceKeyRecord, DeviceKeyStore } from "./types.ts";

/** Options of {@link createFileKeyStore}. */
export interface FileKeyStoreOptions {
  /** Directory of the key file (created 0700 if missing). */
  readonly directory: string;
  /** File name without extension (default `"device-key"`). */
  readonly name?: string;
}

const FORMAT = "device-session/device-key";
const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const KeyFile = v.object({
  format: v.literal(FORMAT),
  version: v.literal(1),
  alg: v.picklist(["EdDSA", "ES256"]),
  jwk: v.object({
    kty: v.picklist(["OKP", "EC"]),
    crv: v.picklist(["Ed25519", "P-256"]),
    x: B64,
    y: v.optional(B64),
    d: B64,
  }),
  // Written by earlier versions (always null); ignored.
  deviceId: v.optional(v.nullable(v.string())),
});
type KeyFile = v.InferOutput<typeof KeyFile>;

/**
 * A key store in a file.
 *
 * @example
 * ```ts
 * import { keyPort } from "./port.ts";
 * const keys = keyPort(createFileKeyStore({ directory: "/var/lib/my-app/device-session" }));
 * ```
 */
export function createFileKeyStore(options: FileKeyStoreOptions): DeviceKeyStore {
  const name = options.name ?? "device-key";
  if (
    typeof options.directory !== "string" || options.directory === "" ||
    !/^[A-Za-z0-9._-]{1,64}$/.test(name)
  ) {
    throw errorFromCode(
      "ERR_INVALID_INPUT",
      "directory is required; name is 1-64 of [A-Za-z0-9._-]",
    );
  }
  const path = join(options.directory, `${name}.json`);
  const posix = platform() !== "win32";

  const read = async (): Promise<KeyFile | null> => {
    let text: string;
    try {
      const st = await lstat(path);
      if (!st.isFile()) throw unusable("not a regular file (symlink?)");
      if (posix && (st.mode & 0o077) !== 0) throw unusable("readable by other users");
      if (st.size > 65536) throw unusable("too large");
      text = await readFile(path, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return null;
      if (e instanceof DeviceSessionError) throw e;
      throw errorFromCode("ERR_KEY_STORE", `cannot read ${path}`, { cause: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw unusable("not JSON");
    }
    const r = v.safeParse(KeyFile, json);
    if (!r.success) throw unusable("not a device-session key file");
    if (algOfKey(r.output.jwk) !== r.output.alg) throw unusable("alg and key disagree");
    return r.output;
  };

  const write = async (file: KeyFile): Promise<void> => {
    const tmp = `${path}.${randomId()}.tmp`;
    try {
      await mkdir(options.directory, { recursive: true, mode: 0o700 });
      const fh = await open(tmp, "wx", 0o600);
      try {
        await fh.writeFile(JSON.stringify(file, null, 2) + "\n", "utf8");
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path); // atomic: readers see the old file or the new one
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw errorFromCode("ERR_KEY_STORE", `cannot write ${path}`, { cause: e });
    }
  };

  return {
    needsExtractableKey: true,

    async load(): Promise<DeviceKeyRecord | null> {
      const file = await read();
      if (file === null) return null;
      let pair: CryptoKeyPair;
      try {
        pair = await importPrivateJwk(file.jwk, file.alg); // non-extractable from here on
      } catch {
        throw unusable("the key does not import");
      }
      const key = await checkKeyPair(file.alg, pair.privateKey, pair.publicKey);
      if (typeof key === "string") throw unusable(key);
      return { key, assurance: "persistent-file" };
    },

    async save(key: DeviceKeyPair): Promise<KeyAssurance> {
      if (!key.privateKey.extractable) {
        // The private key must be written: a non-extractable key cannot be.
        throw errorFromCode("ERR_KEY_STORE", "the file store needs a key generated extractable");
      }
      const exported = await globalThis.crypto.subtle.exportKey("jwk", key.privateKey);
      const jwk = { ...publicMembers(exported), d: exported.d as string } as KeyFile["jwk"];
      await write({ format: FORMAT, version: 1, alg: key.alg, jwk });
      return "persistent-file";
    },

    async delete(): Promise<void> {
      await unlink(path).catch((e) => {
        if (e.code !== "ENOENT") {
          throw errorFromCode("ERR_KEY_STORE", `cannot delete ${path}`, { cause: e });
        }
      });
    },

    async discard(): Promise<void> {
      await rename(path, `${path}.corrupt`).catch((e) => {
        if (e.code !== "ENOENT") {
          throw errorFromCode("ERR_KEY_STORE", `cannot move ${path} aside`, { cause: e });
        }
      });
    },
  };
}

function unusable(reason: string): DeviceSessionError {
  return errorFromCode("ERR_KEY_STORE", `device key file unusable: ${reason}`, {
    details: { reason },
  });
}
