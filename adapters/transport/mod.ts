/**
 * Transports for the driver.
 *
 * @module
 */
export { FetchTransport, type FetchTransportOptions } from "./fetch.ts";
