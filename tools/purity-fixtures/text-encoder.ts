// expect: TextEncoder
// A Web API, not ECMAScript: a bare engine (QuickJS) has no TextEncoder.
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
