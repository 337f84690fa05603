// Device key stores: memory, IndexedDB (fake-indexeddb on servers, the real one in Chromium)
// with its DataCloneError fallback to `ephemeral`, and the file store (Node, Bun, Deno).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../../core/errors/mod.ts";
import { generateDeviceKey } from "../../../adapters/crypto/keys.ts";
import {
  createIndexedDbKeyStore,
  createMemoryKeyStore,
  type KeyStore,
  openDeviceKey,
  rememberDeviceId,
} from "../../../adapters/keystore/mod.ts";

const inBrowser = typeof window !== "undefined";
let dbCounter = 0;

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

describe("memory key store", () => {
  it("creates once, then loads the same ephemeral, non-extractable key", async () => {
    const store = createMemoryKeyStore();
    const first = await openDeviceKey(store);
    assert.equal(first.keyEvent, "created");
    assert.equal(first.assurance, "ephemeral");
    assert.equal(first.key.privateKey.extractable, false);
    const again = await openDeviceKey(store);
    assert.equal(again.keyEvent, "none");
    assert.equal(again.key.jkt, first.key.jkt);
  });
});

describe("IndexedDB key store", () => {
  const fresh = async (): Promise<
    { store: KeyStore; reopen: () => KeyStore; factory: IDBFactory; database: string }
  > => {
    const { factory } = await idb();
    const database = `ds-test-${Date.now()}-${++dbCounter}`;
    const reopen = () => createIndexedDbKeyStore({ indexedDB: factory, database, name: "demo" });
    return { store: reopen(), reopen, factory, database };
  };

  it("persists a non-extractable key pair and finds it again (a reload)", async () => {
    const { store, reopen } = await fresh();
    const opened = await openDeviceKey(store);
    assert.equal(opened.keyEvent, "created");
    assert.equal(opened.assurance, "persistent-nonextractable");
    await rememberDeviceId(store, opened, "d_abc");
    const loaded = await openDeviceKey(reopen());
    assert.equal(loaded.keyEvent, "none");
    assert.equal(loaded.key.jkt, opened.key.jkt);
    assert.equal(loaded.deviceId, "d_abc");
    assert.equal(loaded.key.privateKey.extractable, false);
    await assert.rejects(globalThis.crypto.subtle.exportKey("jwk", loaded.key.privateKey));
  });

  it("never stores an extractable private key", async () => {
    const { store } = await fresh();
    const key = await generateDeviceKey({ extractable: true });
    assert.equal(await codeOf(store.save({ key, deviceId: null })), "ERR_INVALID_INPUT");
  });

  it("a corrupt record: ERR_KEY_STORE on load, and openDeviceKey recovers with key_event lost", async () => {
    const { store, factory, database } = await fresh();
    await openDeviceKey(store);
    // Overwrite the record with garbage that keeps a readable device id.
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = factory.open(database, 1);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    await new Promise<void>((res, rej) => {
      const tx = db.transaction("keys", "readwrite");
      tx.objectStore("keys").put(
        { v: 1, alg: "EdDSA", privateKey: "nope", deviceId: "d_old" },
        "demo",
      );
      tx.oncomplete = () => res();
      tx.onerror = () => rej(tx.error);
    });
    db.close();
    const store2 = createIndexedDbKeyStore({ indexedDB: factory, database, name: "demo" });
    assert.equal(await codeOf(store2.load()), "ERR_KEY_STORE");
    const recovered = await openDeviceKey(store2);
    assert.equal(recovered.keyEvent, "lost");
    assert.equal(recovered.deviceId, "d_old");
    assert.equal(recovered.problem?.code, "ERR_KEY_STORE");
    assert.equal((await openDeviceKey(store2)).keyEvent, "none");
  });

  it("DataCloneError (private modes): falls back to an ephemeral in-memory key", async () => {
    const { store } = await fresh();
    const { ObjectStore } = await idb();
    const put = ObjectStore.prototype.put;
    ObjectStore.prototype.put = function () {
      throw new DOMException("CryptoKey cannot be cloned", "DataCloneError");
    };
    try {
      const opened = await openDeviceKey(store);
      assert.equal(opened.keyEvent, "created");
      assert.equal(opened.assurance, "ephemeral");
      assert.equal(opened.key.privateKey.extractable, false);
      const again = await openDeviceKey(store);
      assert.equal(again.keyEvent, "none");
      assert.equal(again.assurance, "ephemeral");
      assert.equal(again.key.jkt, opened.key.jkt);
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
    const opened = await openDeviceKey(s);
    assert.equal(opened.assurance, "ephemeral");
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

  it("writes the key 0600 in a 0700 directory, atomically, and loads it non-extractable", async () => {
    const { stat, readdir } = await import("node:fs/promises");
    const { platform } = await import("node:os");
    const { directory, path, store, createFileKeyStore } = await setup();
    const opened = await openDeviceKey(store);
    assert.equal(opened.keyEvent, "created");
    assert.equal(opened.assurance, "persistent-file");
    assert.equal(opened.key.privateKey.extractable, false);
    if (platform() !== "win32") {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(directory)).mode & 0o777, 0o700);
    }
    await rememberDeviceId(store, opened, "d_file");
    assert.deepEqual(await readdir(directory), ["device-key.json"]); // no temporary files left
    const again = await openDeviceKey(createFileKeyStore({ directory }));
    assert.equal(again.keyEvent, "none");
    assert.equal(again.key.jkt, opened.key.jkt);
    assert.equal(again.deviceId, "d_file");
  });

  it("a corrupt file: ERR_KEY_STORE, then recovery moves it aside and reports lost", async () => {
    const { writeFile, readFile, chmod } = await import("node:fs/promises");
    const { path, store } = await setup();
    const first = await openDeviceKey(store);
    await rememberDeviceId(store, first, "d_keep");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace(/"d": "[^"]+"/, '"d": 12'));
    await chmod(path, 0o600);
    assert.equal(await codeOf(store.load()), "ERR_KEY_STORE");
    const recovered = await openDeviceKey(store);
    assert.equal(recovered.keyEvent, "lost");
    assert.equal(recovered.deviceId, "d_keep");
    assert.notEqual(recovered.key.jkt, first.key.jkt);
    assert.ok((await readFile(`${path}.corrupt`, "utf8")).includes('"d": 12'));
  });

  it("garbage, a foreign key, wide permissions and symlinks are all ERR_KEY_STORE", async () => {
    const { writeFile, readFile, chmod, symlink, unlink } = await import("node:fs/promises");
    const { platform } = await import("node:os");
    const { path, store } = await setup();
    await openDeviceKey(store);
    const good = await readFile(path, "utf8");
    const other = await setup();
    await openDeviceKey(other.store);
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
    assert.equal(await codeOf(store.save({ key, deviceId: null })), "ERR_KEY_STORE");
  });
});
