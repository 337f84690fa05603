/**
 * File key store for Node, Bun and Deno (assurance `persistent-file`): the device key pair as a
 * private JWK in `<directory>/<name>.json`, mode 0600 in a 0700 directory, written atomically
 * (temporary file, fsync, rename). A server runtime has no non-extractable key store, so the
 * private key is necessarily on disk; it is re-imported non-extractable on load.
 *
 * Unusable contents — not JSON, not our format, a foreign or mismatched key, a symlink, or
 * permissions that let others read it — make `load` throw `ERR_KEY_STORE` (never crash), with
 * `details.deviceId` when still readable. Recovery (`openDeviceKey`): `discard` renames the file
 * to `<name>.json.corrupt` for inspection, a new key is generated and saved under the old device
 * id, and the session create reports `key_event: "lost"` (SPEC §9.8).
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
import type { DeviceKeyRecord, KeyStore } from "./types.ts";

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
  deviceId: v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/))),
});
type KeyFile = v.InferOutput<typeof KeyFile>;

/**
 * A key store in a file.
 *
 * @example
 * ```ts
 * const store = createFileKeyStore({ directory: "/var/lib/my-app/device-session" });
 * const { key, keyEvent } = await openDeviceKey(store);
 * ```
 */
export function createFileKeyStore(options: FileKeyStoreOptions): KeyStore {
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
      if (!st.isFile()) throw unusable("not a regular file (symlink?)", null);
      if (posix && (st.mode & 0o077) !== 0) throw unusable("readable by other users", null);
      if (st.size > 65536) throw unusable("too large", null);
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
      throw unusable("not JSON", null);
    }
    const r = v.safeParse(KeyFile, json);
    const id = (json as { deviceId?: unknown } | null)?.deviceId;
    if (!r.success) {
      throw unusable("not a device-session key file", typeof id === "string" ? id : null);
    }
    if (algOfKey(r.output.jwk) !== r.output.alg) {
      throw unusable("alg and key disagree", r.output.deviceId);
    }
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
        throw unusable("the key does not import", file.deviceId);
      }
      const key = await checkKeyPair(file.alg, pair.privateKey, pair.publicKey);
      if (typeof key === "string") throw unusable(key, file.deviceId);
      return { key, deviceId: file.deviceId, assurance: "persistent-file" };
    },

    async save(entry: { key: DeviceKeyPair; deviceId: string | null }): Promise<KeyAssurance> {
      const { key } = entry;
      let jwk: KeyFile["jwk"];
      if (key.privateKey.extractable) {
        const exported = await globalThis.crypto.subtle.exportKey("jwk", key.privateKey);
        jwk = { ...publicMembers(exported), d: exported.d as string };
      } else {
        // A loaded (non-extractable) key: only the device id can change, in the file we hold.
        const current = await read();
        const same = current !== null && publicMembers(current.jwk).x === key.jwk.x &&
          (current.jwk.y ?? null) === (key.jwk.kty === "EC" ? key.jwk.y : null);
        if (!same) {
          throw errorFromCode("ERR_KEY_STORE", "the file store needs a key generated extractable");
        }
        jwk = current.jwk;
      }
      await write({ format: FORMAT, version: 1, alg: key.alg, jwk, deviceId: entry.deviceId });
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

function unusable(reason: string, deviceId: string | null): DeviceSessionError {
  return errorFromCode("ERR_KEY_STORE", `device key file unusable: ${reason}`, {
    details: { reason, ...(deviceId === null ? {} : { deviceId }) },
  });
}
