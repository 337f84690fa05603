// expect: setTimeout
export const later = (f: () => void): void => void setTimeout(f, 10);
