// Node leg (tools/test-runtime.mjs preloads this with --import): maps the suite's `node:test`
// to tools/test-node-wrapper.mjs, which gives every `it`/`test` without a `timeout` the per-test
// ceiling (TEST_TIMEOUT_MS), as tools/deno-test/ does for Deno. Node's --test-timeout cannot do
// that alone: on Node 20 it also bounds each whole test file, so a file of several healthy tests
// failed once a loaded machine made it run longer than one test's ceiling; and a `describe`'s
// `timeout` would bound its whole suite, where the other legs take it as its tests' default.
import { register } from "node:module";

register("./test-node-resolve.mjs", import.meta.url);
