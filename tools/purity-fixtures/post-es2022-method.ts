// expect: .toSorted
// ES2023 array methods are missing from an ES2022 engine.
export const sorted = (xs: number[]): number[] => xs.toSorted((a, b) => a - b);
