// expect: structuredClone
// HTML's structured clone is a host facility; a bare engine lacks it.
export const copy = <T>(x: T): T => structuredClone(x);
