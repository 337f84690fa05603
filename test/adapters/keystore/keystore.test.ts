// Device key stores run through `keyPort`, the function every runtime entry ships: memory,
// IndexedDB (fake-indexeddb on servers, the real one in Chromium) with its DataCloneError
// fallback to `ephemeral`, and the file store (Node, Bun, Deno).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../../core/errors/mod.ts";
import { generateDeviceKey } from "../../../adapters/crypto/keys.ts";
import type { KeyStore, Signer } from "../../../adapters/ports.ts";
import {
  createIndexedDbKeyStore,
  createMemoryDeviceKeyStore,
  type DeviceKeyStore,
  keyPort,
} from "../../../adapters/keystore/mod.ts";

const inBrowser = typeof window !== "undefined";
let dbCounter = 0;

/** What the driver does at start: load the stored key, else generate one. */
async function open(keys: KeyStore): Promise<{ signer: Signer; created: boolean }> {
  const loaded = await keys.load();
  return loaded === null
    ? { signer: await keys.generate(), created: true }
    : { signer: loaded, created: false };
}

/** The platform's IndexedDB (Chromium) or fake-indexeddb (servers), and its object store class. */
async function idb(): Promise<{ factory: IDBFactory; ObjectStore: { prototype: IDBObjectStore } }> {
  if (typeof indexedDB !== "undefined") return { factory: indexedDB, ObjectStore: IDBObjectStore };
  const fake = await import("fake-indexeddb");
  return {
    factory: new fake.IDBFactory() as unknown as IDBFactory,
    ObjectStore: fake.IDBObjectStore as unknown as { prototype: IDBObjectStore },
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return e.code;
  }
}

describe("keyPort over a memory key store", () => {
  it("creates once, then loads the same ephemeral, non-extractable key", async () => {
    const store = createMemoryDeviceKeyStore();
    const first = await open(keyPort(store));
    assert.equal(first.created, true);
    assert.equal(first.signer.info.assurance, "ephemeral");
    assert.equal((await store.load())?.key.privateKey.extractable, false);
    const again = await open(keyPort(store));
    assert.equal(again.created, false);
    assert.equal(again.signer.info.jkt, first.signer.info.jkt);
  });

  it("generate replaces the stored key", async () => {
    const store = createMemoryDeviceKeyStore();
    const keys = keyPort(store);
    const a = await keys.generate();
    const b = await keys.generate();
    assert.notEqual(a.info.jkt, b.info.jkt);
    assert.equal((await keys.load())?.info.jkt, b.info.jkt);
  });
});

/** A memory store whose `load` fails with `error` while `failing` is set; counts discards. */
function failingStore(error: unknown): DeviceKeyStore & { discarded: number; failing: boolean } {
  const inner = createMemoryDeviceKeyStore({ assurance: "persistent-custom" });
  const store = {
    discarded: 0,
    failing: true,
    load: () => (store.failing ? Promise.reject(error) : inner.load()),
    save: (k: Parameters<DeviceKeyStore["save"]>[0]) => inner.save(k),
    delete: () => inner.delete(),
    discard: () => {
      store.discarded++;
      return inner.delete();
    },
  };
  return store;
}

describe("keyPort: what is discarded and what surfaces", () => {
  it("ERR_KEY_STORE from load: the record is discarded and a new key created", async () => {
    const store = failingStore(new DeviceSessionError("ERR_KEY_STORE", "corrupt"));
    const keys = keyPort(store);
    assert.equal(await keys.load(), null);
    assert.equal(store.discarded, 1);
    store.failing = false;
    const signer = await keys.generate();
    assert.equal((await keys.load())?.info.jkt, signer.info.jkt);
  });

  it("another typed error from load rejects with its code, and nothing is discarded", async () => {
    const store = failingStore(new DeviceSessionError("ERR_TIMEOUT", "slow disk"));
    assert.equal(await codeOf(keyPort(store).load()), "ERR_TIMEOUT");
    assert.equal(store.discarded, 0);
  });

  it("an untyped failure rejects as ERR_INTERNAL with its cause, and nothing is discarded", async () => {
    const bug = new TypeError("store bug");
    const store = failingStore(bug);
    const err = await keyPort(store).load().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof DeviceSessionError);
    assert.equal(err.code, "ERR_INTERNAL");
    assert.equal(err.cause, bug);
    assert.equal(store.discarded, 0);
  });

  it("a store that needs an extractable key must read it back, or generate rejects", async () => {
    const saved: unknown[] = [];
    const forgetful: DeviceKeyStore = {
      needsExtractableKey: true,
      load: () => Promise.resolve(null),
      save: (key) => (saved.push(key), Promise.resolve("persistent-custom")),
      delete: () => Promise.resolve(),
    };
    assert.equal(await codeOf(keyPort(forgetful).generate()), "ERR_KEY_STORE");
    assert.equal(saved.length, 1);
    // Reading back the extractable key itself is refused too: never sign with it.
    const echo: DeviceKeyStore = {
      needsExtractableKey: true,
      load: () =>
        Promise.resolve(
          saved.length ? { key: saved.at(-1) as never, assurance: "persistent-custom" } : null,
        ),
      save: (key) => (saved.push(key), Promise.resolve("persistent-custom")),
      delete: () => Promise.resolve(),
    };
    assert.equal(await codeOf(keyPort(echo).generate()), "ERR_KEY_STORE");
  });
});

describe("IndexedDB key store", () => {
  const fresh = async (): Promise<
    { store: DeviceKeyStore; reopen: () => DeviceKeyStore; factory: IDBFactory; database: string }
  > => {
    const { factory } = await idb();
    const database = `ds-test-${Date.now()}-${++dbCounter}`;
    const reopen = () => createIndexedDbKeyStore({ indexedDB: factory, database, name: "demo" });
    return { store: reopen(), reopen, factory, database };
  };

  it("persists a non-extractable key pair and finds it again (a reload)", async () => {
    const { store, reopen } = await fresh();
    const opened = await open(keyPort(store));
    assert.equal(opened.created, true);
    assert.equal(opened.signer.info.assurance, "persistent-nonextractable");
    const loaded = await open(keyPort(reopen()));
    assert.equal(loaded.created, false);
    assert.equal(loaded.signer.info.jkt, opened.signer.info.jkt);
    const record = await reopen().load();
    assert.equal(record?.key.privateKey.extractable, false);
    await assert.rejects(globalThis.crypto.subtle.exportKey("jwk", record!.key.privateKey));
  });

  it("never stores an extractable private key", async () => {
    const { store } = await fresh();
    const key = await generateDeviceKey({ extractable: true });
    assert.equal(await codeOf(store.save(key)), "ERR_INVALID_INPUT");
  });

  it("a corrupt record: ERR_KEY_STORE on load; keyPort discards it and creates a new key", async () => {
    const { store, factory, database } = await fresh();
    const first = await open(keyPort(store));
    // Overwrite the record with garbage.
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = factory.open(database, 1);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    await new Promise<void>((res, rej) => {
      const tx = db.transaction("keys", "readwrite");
      tx.objectStore("keys").put({ v: 1, alg: "EdDSA", privateKey: "nope" }, "demo");
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
    const store2 = createIndexedDbKeyStore({ indexedDB: factory, database, name: "demo" });
    assert.equal(await codeOf(store2.load()), "ERR_KEY_STORE");
    const recovered = await open(keyPort(store2));
    assert.equal(recovered.created, true);
    assert.notEqual(recovered.signer.info.jkt, first.signer.info.jkt);
    const again = await open(keyPort(store2));
    assert.equal(again.created, false);
    assert.equal(again.signer.info.jkt, recovered.signer.info.jkt);
  });

  it("DataCloneError (private modes): falls back to an ephemeral in-memory key", async () => {
    const { store } = await fresh();
    const { ObjectStore } = await idb();
    const put = ObjectStore.prototype.put;
    ObjectStore.prototype.put = function () {
      throw new DOMException("CryptoKey cannot be cloned", "DataCloneError");
    };
    try {
      const keys = keyPort(store);
      const opened = await open(keys);
      assert.equal(opened.created, true);
      assert.equal(opened.signer.info.assurance, "ephemeral");
      assert.equal((await store.load())?.key.privateKey.extractable, false);
      const again = await open(keys);
      assert.equal(again.created, false);
      assert.equal(again.signer.info.assurance, "ephemeral");
      assert.equal(again.signer.info.jkt, opened.signer.info.jkt);
    } finally {
      ObjectStore.prototype.put = put;
    }
  });

  it("no IndexedDB at all: ephemeral", async () => {
    const store = createIndexedDbKeyStore({ indexedDB: undefined });
    const s = inBrowser
      ? createIndexedDbKeyStore({
        indexedDB: {
          open() {
            throw new DOMException("no", "SecurityError");
          },
        } as unknown as IDBFactory,
      })
      : store;
    const opened = await open(keyPort(s));
    assert.equal(opened.signer.info.assurance, "ephemeral");
  });
});

describe("file key store", { skip: inBrowser && "needs a file system" }, () => {
  const setup = async () => {
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createFileKeyStore } = await import("../../../adapters/keystore/file.ts");
    const directory = join(await mkdtemp(join(tmpdir(), "ds-keys-")), "nested");
    const path = join(directory, "device-key.json");
    return { directory, path, store: createFileKeyStore({ directory }), createFileKeyStore };
  };

  it("writes the key 0600 in a 0700 directory, atomically, and signs with a non-extractable copy", async () => {
    const { stat, readdir } = await import("node:fs/promises");
    const { platform } = await import("node:os");
    const { directory, path, store, createFileKeyStore } = await setup();
    const opened = await open(keyPort(store));
    assert.equal(opened.created, true);
    assert.equal(opened.signer.info.assurance, "persistent-file");
    if (platform() !== "win32") {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(directory)).mode & 0o777, 0o700);
    }
    assert.deepEqual(await readdir(directory), ["device-key.json"]); // no temporary files left
    const record = await createFileKeyStore({ directory }).load();
    assert.equal(record?.key.privateKey.extractable, false);
    const again = await open(keyPort(createFileKeyStore({ directory })));
    assert.equal(again.created, false);
    assert.equal(again.signer.info.jkt, opened.signer.info.jkt);
  });

  it("a corrupt file: ERR_KEY_STORE, then keyPort moves it aside and creates a new key", async () => {
    const { writeFile, readFile, chmod } = await import("node:fs/promises");
    const { path, store } = await setup();
    const first = await open(keyPort(store));
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace(/"d": "[^"]+"/, '"d": 12'));
    await chmod(path, 0o600);
    assert.equal(await codeOf(store.load()), "ERR_KEY_STORE");
    const recovered = await open(keyPort(store));
    assert.equal(recovered.created, true);
    assert.notEqual(recovered.signer.info.jkt, first.signer.info.jkt);
    assert.ok((await readFile(`${path}.corrupt`, "utf8")).includes('"d": 12'));
  });

  it("reads a key file written with the former deviceId member", async () => {
    const { writeFile, readFile, chmod } = await import("node:fs/promises");
    const { path, store } = await setup();
    const first = await open(keyPort(store));
    const json = JSON.parse(await readFile(path, "utf8"));
    await writeFile(path, JSON.stringify({ ...json, deviceId: null }));
    await chmod(path, 0o600);
    const again = await open(keyPort(store));
    assert.equal(again.created, false);
    assert.equal(again.signer.info.jkt, first.signer.info.jkt);
  });

  it("garbage, a foreign key, wide permissions and symlinks are all ERR_KEY_STORE", async () => {
    const { writeFile, readFile, chmod, symlink, unlink } = await import("node:fs/promises");
    const { platform } = await import("node:os");
    const { path, store } = await setup();
    await open(keyPort(store));
    const good = await readFile(path, "utf8");
    const other = await setup();
    await open(keyPort(other.store));
    const foreignD = /"d": "([^"]+)"/.exec(await readFile(other.path, "utf8"))![1]!;
    const cases: [string, string][] = [
      ["not JSON", "{ nope"],
      ["another format", JSON.stringify({ format: "x", version: 1 })],
      ["a private key that does not match x", good.replace(/"d": "[^"]+"/, `"d": "${foreignD}"`)],
      ["alg and key disagree", good.replace('"alg": "EdDSA"', '"alg": "ES256"')],
    ];
    for (const [what, text] of cases) {
      await writeFile(path, text, { mode: 0o600 });
      await chmod(path, 0o600);
      assert.equal(await codeOf(store.load()), "ERR_KEY_STORE", what);
    }
    if (platform() !== "win32") {
      await writeFile(path, good);
      await chmod(path, 0o644);
      assert.equal(await codeOf(store.load()), "ERR_KEY_STORE", "mode 0644");
      await unlink(path);
      await symlink(other.path, path);
      assert.equal(await codeOf(store.load()), "ERR_KEY_STORE", "symlink");
    }
  });

  it("rejects a bad name and refuses a non-extractable key it did not write", async () => {
    const { createFileKeyStore, store } = await setup();
    assert.throws(
      () => createFileKeyStore({ directory: "/tmp", name: "../x" }),
      (e: unknown) => (e as DeviceSessionError).code === "ERR_INVALID_INPUT",
    );
    const key = await generateDeviceKey();
    assert.equal(await codeOf(store.save(key)), "ERR_KEY_STORE");
  });
});
