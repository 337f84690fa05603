// expect: Intl
// ECMA-402 is a separate standard; many embedded engines ship without it.
export const words = (s: string): number => [...new Intl.Segmenter().segment(s)].length;
