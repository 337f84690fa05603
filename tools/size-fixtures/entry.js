// Size self-test fixture: a small entry that loads a big module lazily.
import { greet } from "./small.js";
export async function start() {
  const { table } = await import("./lazy-big.js");
  return greet(table.length);
}
