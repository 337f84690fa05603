/**
 * The sink handlers report to (`deps.observe`): one-line calls that feed the process's
 * Prometheus metrics and the console's store-backed counters, each only when enabled. A console
 * write that fails never fails the request: it is counted as a store error and dropped.
 *
 * @module
 */
import { DeviceSessionError } from "../../../core/mod.ts";
import type { Rule } from "../../../core/wire/backend.ts";
import type { Recommendation } from "../../../core/wire/recommendation.ts";
import type { AuditEntry, ConsoleRecorder } from "../console/recorder.ts";
import type { Req } from "../context.ts";
import { codeLabel, type ServiceMetrics } from "./service-metrics.ts";

/** Telemetry counts of one batch (SPEC §8.5). */
export interface TelemetryCounts {
  readonly accepted: number;
  readonly deduplicated: number;
  /** Growth of the device's reported `dropped.total` (SPEC §8.3). */
  readonly dropped: number;
}

/**
 * Feeds metrics and the console.
 *
 * @example
 * ```ts
 * import { ServiceMetrics } from "./service-metrics.ts";
 * const observe = new Observer(new ServiceMetrics(), null);
 * observe.secureToken(null); // one accepted secure token
 * ```
 */
export class Observer {
  readonly metrics: ServiceMetrics | null;
  readonly console: ConsoleRecorder | null;
  constructor(metrics: ServiceMetrics | null, console: ConsoleRecorder | null) {
    this.metrics = metrics;
    this.console = console;
  }

  /** Whether anything records audit entries (so a handler reads the "before" state). */
  get auditing(): boolean {
    return this.console !== null;
  }

  async #console(write: (c: ConsoleRecorder) => Promise<void>): Promise<void> {
    if (this.console === null) return;
    try {
      await write(this.console);
    } catch (e) {
      const code = e instanceof DeviceSessionError ? e.code : "other";
      this.metrics?.storeErrors.inc({ op: "console", code: codeLabel(code) });
    }
  }

  /** An answered request; session creates and refreshes are counted from it. */
  async request(r: Req, method: string, status: number, seconds: number): Promise<void> {
    this.metrics?.request(method, r.path, status, seconds, r.code);
    if (method !== "POST" || !r.path.startsWith("/v1/device/sessions")) return;
    const event = status === 201
      ? "created"
      : status === 200
      ? "refreshed"
      : r.code === "ERR_SESSION_ENDED"
      ? "ended"
      : null;
    if (event === null) return;
    this.metrics?.sessions.inc({ event });
    const clientId = r.clientId;
    if (clientId !== undefined) {
      await this.#console((c) => c.count(clientId, r.nowMs, { [`sessions.${event}`]: 1 }));
    }
  }

  /** One telemetry batch stored. */
  async telemetry(clientId: string, atMs: number, t: TelemetryCounts): Promise<void> {
    const m = this.metrics;
    if (m !== null) {
      m.telemetry.inc({ outcome: "accepted" }, t.accepted);
      m.telemetry.inc({ outcome: "deduplicated" }, t.deduplicated);
      m.telemetry.inc({ outcome: "dropped" }, t.dropped);
    }
    await this.#console((c) =>
      c.count(clientId, atMs, {
        "telemetry.accepted": t.accepted,
        "telemetry.deduplicated": t.deduplicated,
        "telemetry.dropped": t.dropped,
      })
    );
  }

  /** Counts an accepted secure token and passes the verification result on. */
  readonly secureAccepted = <T>(verified: T): T => {
    this.secureToken(null);
    return verified;
  };

  /** Counts a refused secure token and rethrows its error. */
  readonly secureRefused = (error: unknown): never => {
    this.secureToken(error);
    throw error;
  };

  /** A secure session token presented: `null` accepted, else the error it was refused with. */
  secureToken(error: unknown): void {
    if (this.metrics === null) return;
    if (error === null) return this.metrics.secureTokens.inc({ outcome: "accepted", code: "" });
    const code = error instanceof DeviceSessionError ? error.code : "other";
    const outcome = code === "ERR_REPLAYED" ? "replayed" : "rejected";
    this.metrics.secureTokens.inc({ outcome, code: codeLabel(code) });
  }

  /** An action recorded. */
  async action(clientId: string, type: string, source: string, atMs: number): Promise<void> {
    this.metrics?.actions.inc({ source });
    await this.#console((c) => c.count(clientId, atMs, { [`actions.${type}`]: 1 }));
  }

  /** A recommendation answered under `rules`. */
  async decision(rec: Recommendation, rules: readonly Rule[], atMs: number): Promise<void> {
    this.metrics?.recommendation(
      rec.recommendation.type,
      rec.reasons,
      rec.preview_rule?.recommendation ?? null,
    );
    await this.#console((c) => c.decision(rec, rules, atMs));
  }

  /** Records an audit entry (rule changes, operator actions). */
  async audit(clientId: string, entry: AuditEntry): Promise<void> {
    await this.#console((c) => c.audit(clientId, entry));
  }
}
