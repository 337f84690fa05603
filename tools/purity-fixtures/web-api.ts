// expect: AbortController
// Any name outside the ES2022 global object is a host API.
export const controller = (): unknown => new AbortController();
