// expect: crypto
// `{ crypto }` is a reference to the global, not a property key.
export const ports = (): object => ({ crypto });
