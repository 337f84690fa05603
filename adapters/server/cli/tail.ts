/**
 * `device-session tail --store <redis url> --client <id>`: prints a client's telemetry stream
 * (`--events-max-len`), one JSON line per event, as it arrives (`XREAD BLOCK`), for operators.
 * `--from 0` starts at the oldest entry kept (default: new events only). Stops on a signal.
 *
 * @module
 */
import { errorFromCode } from "../../../core/mod.ts";
import type { CliHost } from "./host.ts";

/** Runs the tail; resolves with the exit code. */
export async function tailEvents(
  host: CliHost,
  flags: Readonly<Record<string, string | boolean | undefined>>,
): Promise<number> {
  const url = (flags.store as string | undefined) ?? host.env.DEVICE_SESSION_STORE;
  const client = flags.client as string | undefined;
  if (url === undefined || !url.startsWith("redis") || client === undefined) {
    throw errorFromCode("ERR_CONFIG", "tail needs --store <redis url> and --client <id>");
  }
  const prefix = (flags["store-prefix"] as string | undefined) ?? "ds:";
  const { connectRaw } = await import("../../store/redis/node-redis.ts");
  const redis = await connectRaw(url);
  let stopped = false;
  host.onShutdownSignal(() => {
    stopped = true;
  });
  let last = (flags.from as string | undefined) ?? "$";
  const key = `${prefix}ev:${client}`;
  while (!stopped) {
    // Short blocks, so a signal ends the loop promptly.
    const reply = await redis.send(["XREAD", "COUNT", 100, "BLOCK", 1000, "STREAMS", key, last]);
    for (const [id, fields] of streamEntries(reply)) {
      last = id;
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
      host.out(JSON.stringify({
        id,
        session_id: f.get("sid"),
        event: JSON.parse(f.get("event") ?? "null"),
      }));
    }
  }
  await redis.close();
  return 0;
}

/** `[id, [field, value, …]]` entries of an `XREAD` reply (RESP2 arrays or RESP3 maps). */
function streamEntries(reply: unknown): [string, string[]][] {
  if (reply === null || reply === undefined) return [];
  const streams: unknown[] = reply instanceof Map
    ? [...reply.values()]
    : Array.isArray(reply)
    ? reply.map((s) => (s as unknown[])[1])
    : Object.values(reply as Record<string, unknown>);
  const out: [string, string[]][] = [];
  for (const entries of streams) {
    for (const e of entries as unknown[]) {
      const [id, fields] = e as [string, unknown];
      const flat = fields instanceof Map
        ? [...fields].flat().map(String)
        : Array.isArray(fields)
        ? fields.map(String)
        : Object.entries(fields as Record<string, unknown>).flat().map(String);
      out.push([String(id), flat]);
    }
  }
  return out;
}
