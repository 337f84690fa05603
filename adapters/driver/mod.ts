/**
 * The async driver that runs the sans-I/O machine against ports.
 *
 * @module
 */
export { type DriverOptions, SessionDriver } from "./driver.ts";
