/**
 * A fraud-analytics consumer of a client's telemetry stream (the service runs with
 * `--store redis://… --events-max-len N`): a Redis consumer group, so several consumers share
 * the work and a crashed one's entries are taken over. Each entry is one acknowledged event
 * (`sid`, `seq`, `event` JSON), in the stream exactly once; keep your own processing
 * idempotent by (session_id, seq) anyway, since a consumer can crash between handling an entry
 * and acknowledging it.
 *
 * Run: `node --import tsx examples/events-consumer/main.ts redis://127.0.0.1:6379/0 shop`
 *
 * @module
 */
import process from "node:process";
import { createClient } from "redis";

const [url = "redis://127.0.0.1:6379/0", clientId = "shop", prefix = "ds:"] = process.argv.slice(2);
const stream = `${prefix}ev:${clientId}`;
const group = "analytics";
const consumer = `consumer-${process.pid}`;

const where: Parameters<typeof createClient>[0] = url.startsWith("redis+unix://")
  ? { socket: { path: url.slice("redis+unix://".length) } } as Parameters<typeof createClient>[0]
  : { url };
const redis = await createClient({ ...where, RESP: 2 }).on("error", (e) => console.error(e))
  .connect();
try {
  // The group starts at the stream's beginning; creating it twice is fine (BUSYGROUP).
  await redis.sendCommand(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"]);
} catch (e) {
  if (!String(e).includes("BUSYGROUP")) throw e;
}

type Entries = [string, [string, string[]][]][] | null;
let stop = false;
process.on("SIGINT", () => (stop = true));
while (!stop) {
  // First take over entries another consumer left pending for 60 s, then read new ones.
  const claimed = (await redis.sendCommand([
    "XAUTOCLAIM",
    stream,
    group,
    consumer,
    "60000",
    "0",
    "COUNT",
    "100",
  ])) as [string, [string, string[]][]];
  const fresh = (await redis.sendCommand([
    "XREADGROUP",
    "GROUP",
    group,
    consumer,
    "COUNT",
    "100",
    "BLOCK",
    "1000",
    "STREAMS",
    stream,
    ">",
  ])) as Entries;
  for (const [id, fields] of [...claimed[1], ...(fresh?.[0]?.[1] ?? [])]) {
    const f = Object.fromEntries(
      fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])),
    );
    const event = JSON.parse(f.event!) as { seq: number; type: string; time_ms: number };
    console.log(`${f.sid} #${event.seq} ${event.type} at ${new Date(event.time_ms).toISOString()}`);
    await redis.sendCommand(["XACK", stream, group, id]);
  }
}
await redis.close();
