// expect: URL
// URL is a documented host requirement only where the core needs it (core/token/checks.ts).
export const host = (s: string): string => new URL(s).host;
