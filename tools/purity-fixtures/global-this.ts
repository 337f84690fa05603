// expect: globalThis
// Reaching a global through globalThis must not slip past the gate.
export const clock = (): unknown => (globalThis as Record<string, unknown>)["Date"];
