// Resolve hook of tools/test-node-hooks.mjs: `node:test` is the wrapper, except for the wrapper.
const WRAPPER = new URL("./test-node-wrapper.mjs", import.meta.url).href;

export function resolve(specifier, context, next) {
  if (specifier === "node:test" && context.parentURL !== WRAPPER) {
    return { url: WRAPPER, shortCircuit: true };
  }
  return next(specifier, context);
}
