// expect: Object.groupBy
// ES2024: an ES2022 engine has Object but not Object.groupBy (the cast is erased by the bundle).
type GroupBy = { groupBy<T>(xs: T[], key: (x: T) => string): Record<string, T[]> };
export const byKind = (xs: { kind: string }[]): unknown =>
  (Object as unknown as GroupBy).groupBy(xs, (x) => x.kind);
