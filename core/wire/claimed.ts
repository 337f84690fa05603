/**
 * The kinds of claimed user id (SPEC §7.2), in a module of their own: the SDK's action option
 * checks load on the first action (`adapters/sdk/action-options.ts`) and must share no module
 * with the browser entry.
 *
 * @module
 */

/**
 * The kinds of claimed user id (SPEC §7.2).
 *
 * @example
 * ```ts
 * CLAIMED_USER_ID_TYPES.includes("email"); // true
 * ```
 */
export const CLAIMED_USER_ID_TYPES = [
  "email",
  "phone_number",
  "account_id",
  "ssn",
  "national_id",
  "passport_number",
  "drivers_license_number",
  "other",
] as const;
