/**
 * A replay store (SPEC §5.7.1) on Cloudflare Durable Objects, for verifiers running as Workers.
 *
 * Why not the in-memory store: a Worker runs in many isolates at once, on many machines; each
 * isolate has its own memory, so `createMemoryReplayStore()` is single use per isolate only —
 * the same token presented to two isolates is accepted twice. Workers KV is eventually
 * consistent (a write can take a minute to be seen elsewhere), so a KV check-then-write is no
 * single-use guarantee either. A Durable Object is one instance in the world for its id, and it
 * handles one event at a time.
 *
 * Atomicity, and its limits:
 * - Within one object, `consume` is atomic: the object's input gate delivers no other request
 *   while its `storage.get` is in flight, and the `put` follows with no other await in between,
 *   so two presentations of one id cannot both see it absent. Its output gate holds the answer
 *   until the write is durable.
 * - The guarantee holds only because every id is routed to one object: ids are spread over a
 *   fixed number of objects (`shards`) by a hash. Changing `shards` re-routes ids, so ids
 *   recorded before the change are not seen after it — keep it fixed for at least the longest
 *   token lifetime plus clock tolerance.
 * - One object serves a limited request rate and lives in one location: a verifier far from it
 *   pays a round trip per secure token. More shards spread load, not latency.
 * - When an object cannot be reached, `consume` throws `ERR_UNAVAILABLE` (503): the verifier
 *   fails closed rather than accept a token it could not record.
 *
 * @module
 */
import { DeviceSessionError, type ReplayStore } from "../../verify.ts";

/** The parts of a Durable Object namespace binding this store uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/** The parts of a Durable Object's state this object uses. */
export interface DurableObjectStateLike {
  readonly storage: {
    get<T>(key: string): Promise<T | undefined>;
    put(key: string, value: unknown): Promise<void>;
    list<T>(): Promise<Map<string, T>>;
    delete(keys: string[]): Promise<number>;
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void>;
  };
}

/**
 * The Durable Object class: records ids until their expiry; an alarm sweeps expired ones.
 * Export it from your Worker's entry module and bind it (see docs/embedding.md).
 */
export class ReplayObject {
  readonly #state: DurableObjectStateLike;

  constructor(state: DurableObjectStateLike, _env: unknown) {
    this.#state = state;
  }

  /** `POST {id, until}` → `{fresh}`: whether `id` was not recorded (and now is). */
  async fetch(request: Request): Promise<Response> {
    const { id, until } = await request.json() as { id: string; until: number };
    const now = Date.now() / 1000;
    const storage = this.#state.storage;
    // get → put with no other await between: atomic behind the input gate (module doc).
    const seen = await storage.get<number>(id);
    if (seen !== undefined && seen > now) return Response.json({ fresh: false });
    await storage.put(id, until); // issued before any other event could be delivered
    if ((await storage.getAlarm()) === null) await storage.setAlarm(until * 1000);
    return Response.json({ fresh: true });
  }

  /** Deletes expired ids and schedules the next sweep at the earliest remaining expiry. */
  async alarm(): Promise<void> {
    const now = Date.now() / 1000;
    const storage = this.#state.storage;
    const all = await storage.list<number>();
    const expired = [...all].filter(([, until]) => until <= now).map(([k]) => k);
    for (let i = 0; i < expired.length; i += 128) await storage.delete(expired.slice(i, i + 128));
    const left = [...all.values()].filter((until) => until > now);
    if (left.length > 0) await storage.setAlarm(Math.min(...left) * 1000);
  }
}

// FNV-1a: a stable, cheap spread of ids over shards (ids are random jtis in practice).
function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

/**
 * A {@link ReplayStore} backed by {@link ReplayObject}s.
 *
 * @example
 * ```ts
 * declare const env: { REPLAY: DurableObjectNamespaceLike }; // the Worker's bindings
 * const replayStore = durableObjectReplayStore(env.REPLAY, { shards: 16 });
 * ```
 */
export function durableObjectReplayStore(
  namespace: DurableObjectNamespaceLike,
  o: { readonly shards?: number } = {},
): ReplayStore {
  const shards = o.shards ?? 16;
  return {
    async consume(id: string, untilSeconds: number): Promise<boolean> {
      const stub = namespace.get(namespace.idFromName(`replay-${shardOf(id, shards)}`));
      let res: Response;
      try {
        res = await stub.fetch("https://replay.internal/consume", {
          method: "POST",
          body: JSON.stringify({ id, until: untilSeconds }),
        });
      } catch (e) {
        throw new DeviceSessionError("ERR_UNAVAILABLE", `replay store unreachable: ${e}`);
      }
      if (!res.ok) throw new DeviceSessionError("ERR_UNAVAILABLE", `replay store: ${res.status}`);
      return (await res.json() as { fresh: boolean }).fresh === true;
    },
  };
}
