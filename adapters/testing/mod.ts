/**
 * Test doubles for the ports: virtual time, seeded randomness, memory storage, fake keys, a
 * fault-scripted transport and a fake service. For tests and simulations, never production.
 *
 * @module
 */
export { VirtualTime } from "./virtual-time.ts";
export { SeededRandom } from "./random.ts";
export { MemoryStorage } from "./storage.ts";
export { FakeKeyStore } from "./fake-keys.ts";
export { type Fault, ScriptedTransport, type ScriptedTransportOptions } from "./transport.ts";
export { FakeService, type FakeServiceOptions } from "./fake-service.ts";
