// expect: Date
export const now = (): number => Date.now();
