/**
 * `device-session serve`: builds the service from a {@link CliConfig}, listens, prints where it
 * is, and shuts down gracefully on SIGINT/SIGTERM (in-flight requests finish).
 *
 * @module
 */
import { createService, type Service } from "../app.ts";
import { jsonLogger, requestEntry } from "../http/log.ts";
import { newId } from "../ids.ts";
import type { KeyringState, SharedKeyring } from "../keys.ts";
import type { RedisStore } from "../../store/redis/store.ts";
import type { ClientOptions } from "../options.ts";
import { errorFromCode } from "../../../core/mod.ts";
import { randomId } from "../../crypto/random.ts";
import type { CliConfig } from "./config.ts";
import type { CliHost } from "./host.ts";
import type { RunningServer } from "../serve/types.ts";

/** The second client of `--demo` mode: another tenant, with one allowed browser origin. */
const DEMO2 = { id: "demo2", origin: "https://demo2.example" } as const;

/** A handler mounted beside the service (the repository's demo page under `/demo/`). */
export interface Mount {
  readonly prefix: string;
  readonly fetch: (req: Request) => Response | Promise<Response>;
  readonly label: string;
}

/** Builds optional mounts once the service exists (e.g. the demo page). */
export type MountFactory = (o: {
  service: Service;
  publicUrl: string;
  clientId: string;
  clientSecret: string;
}) => Promise<Mount | null>;

/** The running service and server. */
export interface Running {
  readonly service: Service;
  readonly server: RunningServer;
  readonly publicUrl: string;
  /** Stops accepting, finishes in-flight requests, closes the store. */
  stop(): Promise<void>;
}

/** A URL without its password, for the banner. */
function redacted(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//…@");
}

/** Connects the Redis store (node-redis is only loaded when a Redis store is configured). */
async function openRedis(config: CliConfig, host: CliHost): Promise<RedisStore> {
  const { connectRedis } = await import("../../store/redis/node-redis.ts");
  let last = "";
  return await connectRedis({
    url: config.store,
    prefix: config.storePrefix,
    commandTimeoutMs: config.storeTimeoutMs,
    connectTimeoutMs: config.storeConnectTimeoutMs,
    waitReplicas: config.storeWaitReplicas,
    waitMs: config.storeWaitMs,
    ...(config.eventsMaxLen > 0 ? { events: { maxLen: config.eventsMaxLen } } : {}),
    // One line per distinct connection error (a down Redis retries many times a second).
    onError: (e) => {
      const line = `device-session: store: ${e instanceof Error ? e.message : String(e)}`;
      if (line !== last) host.err(line);
      last = line;
    },
  });
}

/** The service's keyring kept in the Redis store (SPEC §3.6: one keyring for every instance). */
function sharedKeyring(store: RedisStore): SharedKeyring {
  return {
    load: async () => {
      const json = await store.loadKeyring();
      return json === null ? null : JSON.parse(json) as KeyringState;
    },
    swap: async (expectedKid, next, nextKid) =>
      JSON.parse(
        await store.swapKeyring(expectedKid, JSON.stringify(next), nextKid),
      ) as KeyringState,
  };
}

/**
 * A bind failure as `ERR_CONFIG` when the operator can fix it (the port is taken, or is not
 * theirs to bind), with the flag to change; anything else as it is.
 */
function listenError(e: unknown, config: CliConfig): unknown {
  const text = `${(e as { code?: string })?.code ?? ""} ${(e as Error)?.name ?? ""} ${
    (e as Error)?.message ?? ""
  }`;
  const where = `${config.host} port ${config.port}`;
  if (/EADDRINUSE|AddrInUse|address already in use|is port \d+ in use/i.test(text)) {
    return errorFromCode(
      "ERR_CONFIG",
      `${where} is already in use (another device-session?): stop it, or pick another port with --port <n> (--port 0: any free port)`,
    );
  }
  if (/EACCES|PermissionDenied|permission denied/i.test(text)) {
    return errorFromCode(
      "ERR_CONFIG",
      `${where}: not allowed to listen there (ports below 1024 need privileges): pick another with --port <n>`,
    );
  }
  if (/EADDRNOTAVAIL|AddrNotAvailable|ENOTFOUND|cannot assign/i.test(text)) {
    return errorFromCode(
      "ERR_CONFIG",
      `${where}: this machine has no such address: pick another with --host <addr>`,
    );
  }
  return e;
}

/** Prepares the key file's directory (created mode 0700 when missing) and reads the file. */
async function loadKeyring(host: CliHost, path: string): Promise<KeyringState | null> {
  const slash = path.replace(/\\/g, "/").lastIndexOf("/");
  const dir = slash <= 0 ? null : path.slice(0, slash);
  if (dir !== null) {
    await host.makePrivateDir(dir).catch((e) => {
      throw errorFromCode(
        "ERR_CONFIG",
        `key file ${path}: cannot create its directory ${dir} (${
          e instanceof Error ? e.message : e
        })`,
      );
    });
  }
  const text = await host.readTextIfExists(path).catch((e) => {
    throw errorFromCode(
      "ERR_CONFIG",
      `key file ${path}: cannot read it (${e instanceof Error ? e.message : e})`,
    );
  });
  if (text === null) return null;
  try {
    const state = JSON.parse(text) as KeyringState;
    if (state.v !== 1 || typeof state.current !== "object") throw new Error("not a keyring file");
    return state;
  } catch (e) {
    throw errorFromCode("ERR_CONFIG", `key file ${path}: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * Starts the service as configured.
 *
 * @example
 * ```ts
 * import type { CliConfig } from "./config.ts";
 * import type { CliHost } from "./host.ts";
 * declare const config: CliConfig;
 * declare const host: CliHost;
 * const running = await startServe(config, host);
 * host.onShutdownSignal(() => running.stop());
 * ```
 */
export async function startServe(
  config: CliConfig,
  host: CliHost,
  mounts: MountFactory | null = null,
): Promise<Running> {
  const clients: ClientOptions[] = [...config.clients];
  let demoSecret: string | null = null;
  let demo2Secret: string | null = null;
  if (config.demo && !clients.some((c) => c.id === "demo")) {
    demoSecret = config.demoSecret ?? `demo-${randomId()}`;
    clients.push({ id: "demo", secret: demoSecret, allowedOrigins: ["*"] });
    if (!clients.some((c) => c.id === DEMO2.id)) {
      // A second client, so that the conformance suite's isolation and origin checks run.
      demo2Secret = `demo2-${randomId()}`;
      clients.push({ id: DEMO2.id, secret: demo2Secret, allowedOrigins: [DEMO2.origin] });
    }
  }
  let service: Service | null = null;
  let mount: Mount | null = null;
  const log = config.log === "off" ? null : jsonLogger(host.out);
  // The mounted page's requests are logged like the API's (one JSON line each).
  const logged = async (m: Mount, req: Request, path: string): Promise<Response> => {
    const started = performance.now();
    const res = await m.fetch(req);
    log?.(requestEntry({
      method: req.method,
      path,
      status: res.status,
      durationMs: performance.now() - started,
      requestId: req.headers.get("x-request-id") ?? newId("req_"),
    }, Date.now()));
    return res;
  };
  // Listen first: with --port 0 the public URL is only known once bound.
  // (Bun.serve and Deno.serve throw synchronously: `then` turns that into a rejection.)
  const server = await Promise.resolve().then(() =>
    host.serve({
      port: config.port,
      hostname: config.host,
      ...(config.workers > 1 ? { reusePort: true } : {}),
      fetch: (req, info) => {
        if (mount !== null) {
          const path = new URL(req.url).pathname;
          // Demo mode: the page is what a person opening the URL wants to see.
          if (path === "/" && (req.method === "GET" || req.method === "HEAD")) {
            return new Response(null, { status: 302, headers: { location: `${mount.prefix}/` } });
          }
          if (path.startsWith(mount.prefix)) return logged(mount, req, path);
        }
        return service === null
          ? new Response('{"code":"ERR_INTERNAL","message":"starting","time":0}', { status: 503 })
          : service.fetch(req, info);
      },
    })
  ).catch((e) => {
    throw listenError(e, config);
  });
  // Loopback or every interface: http://localhost (a secure context for WebCrypto in browsers).
  const local = ["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].includes(config.host);
  const publicUrl = config.publicUrl ?? (local ? `http://localhost:${server.port}` : server.url);
  let store: RedisStore | null = null;
  let metricsServer: RunningServer | null = null;
  try {
    const state = config.keyFile === null ? null : await loadKeyring(host, config.keyFile);
    if (config.store !== "memory") store = await openRedis(config, host);
    service = await createService({
      ...(store !== null
        ? {
          store,
          ready: () => store!.ping(),
          keyring: { shared: sharedKeyring(store), refreshS: config.keyRefreshS },
        }
        : {}),
      publicUrl,
      clients,
      limits: config.limits,
      ...(config.policy !== undefined ? { policy: config.policy } : {}),
      signingAlg: config.signingAlg,
      keyRotationS: config.keyRotationS,
      rateLimits: config.rateLimits,
      testControl: config.testControl,
      trustProxyHops: config.trustProxyHops,
      ...(config.nonceSecret !== null ? { nonceSecret: config.nonceSecret } : {}),
      log,
      ...(config.metrics !== null ? { metrics: config.metrics } : {}),
      ...(config.console !== null ? { console: config.console } : {}),
      ...(host.crypto !== undefined ? { crypto: host.crypto } : {}),
      ...(host.signer !== undefined ? { signer: host.signer } : {}),
      ...(config.keyFile !== null
        ? {
          keyring: {
            state,
            persist: (s: KeyringState) =>
              host.writePrivate(config.keyFile!, JSON.stringify(s)).catch((e) => {
                throw errorFromCode(
                  "ERR_CONFIG",
                  `key file ${config.keyFile}: cannot write it (${
                    e instanceof Error ? e.message : e
                  })`,
                );
              }),
          },
        }
        : {}),
    });
    if (demoSecret !== null && mounts !== null) {
      mount = await mounts({ service, publicUrl, clientId: "demo", clientSecret: demoSecret })
        .catch(() => null);
    }
    metricsServer = await serveMetrics(config, host, service);
  } catch (e) {
    await server.shutdown(0);
    await store?.close();
    throw e;
  }
  banner(host, { config, publicUrl, server, demoSecret, demo2Secret, mount });
  if (metricsServer !== null) {
    host.err(`  metrics (separate port):      ${metricsServer.url}/metrics`);
  } else if (config.metrics !== null) {
    host.err(`  metrics (bearer token):       ${publicUrl.replace(/\/$/, "")}/metrics`);
  }
  if (config.console !== null) {
    host.err(`  operator console:             ${publicUrl.replace(/\/$/, "")}/console/`);
  }
  const s = service;
  return {
    service: s,
    server,
    publicUrl,
    async stop() {
      await server.shutdown(config.shutdownTimeoutS * 1000);
      await metricsServer?.shutdown(1000);
      await s.close(1000);
    },
  };
}

/** The separate metrics listener (`metrics.port`), or `null`. */
async function serveMetrics(
  config: CliConfig,
  host: CliHost,
  service: Service,
): Promise<RunningServer | null> {
  if (config.metricsPort === null || service.metricsFetch === null) return null;
  if (config.workers > 1) {
    // Each process exposes its own counters: a shared port would answer from a random worker.
    throw errorFromCode("ERR_CONFIG", "metrics.port needs one process per port (workers: 1)");
  }
  const scrape = service.metricsFetch;
  return await host.serve({
    port: config.metricsPort,
    hostname: config.host,
    fetch: (req) => scrape(req),
  });
}

function banner(
  host: CliHost,
  o: {
    config: CliConfig;
    publicUrl: string;
    server: RunningServer;
    demoSecret: string | null;
    demo2Secret: string | null;
    mount: Mount | null;
  },
): void {
  const base = o.publicUrl.replace(/\/$/, "");
  const lines = [
    `device-session ${host.version} (${host.runtime}) listening on ${o.server.url}`,
    `  device API base (serverPath): ${base}/`,
    `  backend API:                  ${base}/v1/backend/`,
    `  token endpoint:               ${base}/v1/oauth/token`,
    `  JWKS:                         ${base}/.well-known/jwks.json`,
    `  discovery:                    ${base}/.well-known/device-session`,
    o.config.store === "memory"
      ? "  store: memory (in this process: sessions, actions and rules end with it)"
      : `  store: ${
        redacted(o.config.store)
      } (prefix ${o.config.storePrefix}; shared by every instance)`,
    `  signing keys: ${
      o.config.store !== "memory"
        ? "in the store (shared by every instance, kept across restarts)"
        : o.config.keyFile === null
        ? "in memory (new keys at each start)"
        : o.config.keyFile
    }`,
  ];
  if (o.mount !== null) lines.push(`  ${o.mount.label}: ${base}${o.mount.prefix}/`);
  if (o.config.testControl) {
    lines.push(
      `  test control:                 ${base}/v1/test/ (SPEC Appendix A; a test mode, never for production)`,
    );
  }
  if (o.demoSecret !== null) {
    lines.push(
      "",
      "demo client credentials (for this process only):",
      `  client id:     demo`,
      `  client secret: ${o.demoSecret}`,
      "",
      "  export DS_URL=" + base + " DS_CLIENT_ID=demo DS_CLIENT_SECRET=" + o.demoSecret,
    );
    if (o.demo2Secret !== null) {
      lines.push(
        "",
        `second demo client: ${DEMO2.id} / ${o.demo2Secret} (allowed origin ${DEMO2.origin})`,
        "",
        "conformance suite against this service:",
        `  npx device-session conformance service --url ${base} --client-id demo --client-secret ${o.demoSecret} --other-client-id ${DEMO2.id} --other-client-secret ${o.demo2Secret}`,
      );
    }
  }
  for (const l of lines) host.err(l);
}
