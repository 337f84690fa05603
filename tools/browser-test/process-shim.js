// Injected into the browser bundle (esbuild `inject`) as the free `process`: assert@2 and its
// `util` dependency read process.env / process.nextTick. Tests should not rely on it; detect
// the browser with `typeof window !== "undefined"`, not with `typeof process`.
export const process = {
  env: {},
  argv: [],
  version: "",
  versions: {},
  platform: "browser",
  browser: true,
  cwd: () => "/",
  emitWarning: () => {},
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
};
