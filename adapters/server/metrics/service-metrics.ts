/**
 * The service's Prometheus metrics (names in docs/operations.md). Every label is bounded: route
 * templates, methods, status codes, `ERR_*` codes of the catalog, recommendation types, reasons
 * of SPEC §10.3 and store operations — never a session, device, user or client id.
 *
 * @module
 */
import { isErrorCode } from "../../../core/errors/catalog.ts";
import { type Counter, type Histogram, Registry } from "./registry.ts";
import { routeLabel, type RouteTemplates, routeTemplates } from "./route-label.ts";

const LATENCY_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/** A reason label: a SPEC §10.3 reason or `RULE_<TYPE>`, anything else `other`. */
function reasonLabel(reason: string): string {
  return /^(RULE_)?[A-Z_]{1,32}$/.test(reason) ? reason : "other";
}

/** An error code label: one of the catalog, else `other`. */
export function codeLabel(code: string | undefined): string {
  return code === undefined ? "" : isErrorCode(code) ? code : "other";
}

/**
 * The counters and histograms of one process.
 *
 * @example
 * ```ts
 * const m = new ServiceMetrics();
 * m.request("GET", "/healthz", 200, 0.001);
 * m.render(); // "# HELP device_session_http_requests_total …"
 * ```
 */
export class ServiceMetrics {
  readonly registry: Registry = new Registry();
  readonly requests: Counter;
  readonly latency: Histogram;
  readonly sessions: Counter;
  readonly telemetry: Counter;
  readonly secureTokens: Counter;
  readonly actions: Counter;
  readonly recommendations: Counter;
  readonly reasons: Counter;
  readonly previewHits: Counter;
  readonly storeOps: Histogram;
  readonly storeErrors: Counter;

  constructor() {
    const r = this.registry;
    const p = "device_session_";
    this.requests = r.counter(`${p}http_requests_total`, "HTTP requests answered.", [
      "route",
      "method",
      "status",
      "code",
    ]);
    this.latency = r.histogram(
      `${p}http_request_duration_seconds`,
      "Time to answer an HTTP request.",
      ["route", "method"],
      LATENCY_BOUNDS,
    );
    this.sessions = r.counter(
      `${p}sessions_total`,
      "Device sessions created, refreshed, and refused as ended (SPEC §6.2, §6.3).",
      ["event"],
    );
    this.telemetry = r.counter(
      `${p}telemetry_events_total`,
      "Telemetry events accepted, deduplicated by seq, and dropped as reported by devices (SPEC §8).",
      ["outcome"],
    );
    this.secureTokens = r.counter(
      `${p}secure_tokens_total`,
      "Secure session tokens presented by backends: accepted, replayed, or rejected (SPEC §5.4).",
      ["outcome", "code"],
    );
    this.actions = r.counter(`${p}actions_total`, "Actions recorded, by source.", ["source"]);
    this.recommendations = r.counter(
      `${p}recommendations_total`,
      "Recommendations answered, by type (SPEC §10).",
      ["type"],
    );
    this.reasons = r.counter(
      `${p}recommendation_reasons_total`,
      "Reasons in answered recommendations (SPEC §10.3).",
      ["reason"],
    );
    this.previewHits = r.counter(
      `${p}preview_rule_hits_total`,
      "Recommendations where a preview rule matched, by the type it would have answered.",
      ["type"],
    );
    this.storeOps = r.histogram(
      `${p}store_operation_duration_seconds`,
      "Time of one store operation.",
      ["op"],
      LATENCY_BOUNDS,
    );
    this.storeErrors = r.counter(`${p}store_errors_total`, "Store operations that failed.", [
      "op",
      "code",
    ]);
  }

  #routes: RouteTemplates = routeTemplates([]);

  /** The service's route table (hono's `app.routes` paths), for bounded route labels. */
  useRoutes(paths: readonly string[]): void {
    this.#routes = routeTemplates(paths);
  }

  /** Counts one answered request under its route template. */
  request(method: string, path: string, status: number, seconds: number, code?: string): void {
    const route = routeLabel(path, this.#routes);
    const m = METHODS.has(method) ? method : "other";
    this.requests.inc({ route, method: m, status: String(status), code: codeLabel(code) });
    this.latency.observe({ route, method: m }, seconds);
  }

  /** Counts a recommendation's type, reasons and preview rule. */
  recommendation(type: string, reasons: readonly string[], previewType: string | null): void {
    this.recommendations.inc({ type });
    for (const reason of reasons) this.reasons.inc({ reason: reasonLabel(reason) });
    if (previewType !== null) this.previewHits.inc({ type: previewType });
  }

  /** The exposition text. */
  render(): string {
    return this.registry.render();
  }
}
