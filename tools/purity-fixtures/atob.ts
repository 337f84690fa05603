// expect: atob
// Even a feature-detected host global is refused: the core has one code path.
export const decode = (s: string): string => typeof atob === "function" ? atob(s) : s;
