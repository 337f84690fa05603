// expect: fetch
export const send = (url: string): Promise<Response> => fetch(url);
