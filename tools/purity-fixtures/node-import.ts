// expect: node:fs
import { readFileSync } from "node:fs";

export const load = (p: string): string => readFileSync(p, "utf8");
