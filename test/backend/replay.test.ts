// prefixReplayStore: a backend and the service sharing one storage count a token once each
// (SPEC §5.7.3: distinct namespaces).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createMemoryReplayStore, prefixReplayStore } from "../../backend.ts";

describe("prefixReplayStore", () => {
  it("keeps the backend's and the service's uses apart on one store", async () => {
    const shared = createMemoryReplayStore();
    const backend = prefixReplayStore(shared, "ds:backend:");
    const service = prefixReplayStore(shared, "ds:svc:");
    const until = Date.now() / 1000 + 60;
    assert.equal(await backend.consume("jti-1", until), true);
    assert.equal(await service.consume("jti-1", until), true);
    assert.equal(await backend.consume("jti-1", until), false);
    assert.equal(await service.consume("jti-1", until), false);
    assert.equal(shared.size, 2);
  });
});
