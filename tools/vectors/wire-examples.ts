/**
 * Valid base examples of every wire message and the mutations that must make them invalid.
 * `gen-wire.ts` turns them into `vectors/wire/messages.json`.
 */
import type { MessageExamples } from "./wire-example-kit.ts";
import { BACKEND_EXAMPLES } from "./wire-examples-backend.ts";
import { DEVICE_EXAMPLES } from "./wire-examples-device.ts";

export type { MessageExamples, Mutation } from "./wire-example-kit.ts";

/** Every message's examples. */
export const EXAMPLES: Record<string, MessageExamples> = {
  ...DEVICE_EXAMPLES,
  ...BACKEND_EXAMPLES,
};
