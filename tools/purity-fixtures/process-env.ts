// expect: process
export const debug = (): boolean => process.env.DEBUG === "1";
