// Shared by the backend client tests: a client wired to the stub service with a virtual clock.
import assert from "node:assert/strict";
import { createBackendClient, DeviceSessionError } from "../../backend.ts";
import type { BackendClientOptions } from "../../backend.ts";
import { CLIENT_ID, CLIENT_SECRET, createStubService, type StubOptions } from "./stub-service.ts";

export const SESSION = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzXzEifQ.c2ln";
export const SECURE = "eyJhbGciOiJFZERTQSJ9.eyJhY3QiOiJsb2dpbiJ9.c2ln";

export function setup(extra: Partial<BackendClientOptions> = {}, stubOptions: StubOptions = {}) {
  const stub = createStubService(stubOptions);
  let now = 1_767_225_600_000;
  const client = createBackendClient({
    baseUrl: "https://risk.example.com",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: stub.fetch,
    now: () => now,
    ...extra,
  });
  return { client, stub, advance: (ms: number) => (now += ms) };
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<DeviceSessionError> {
  let caught: unknown;
  await assert.rejects(p, (e) => {
    caught = e;
    return e instanceof DeviceSessionError && e.code === code;
  });
  return caught as DeviceSessionError;
}
