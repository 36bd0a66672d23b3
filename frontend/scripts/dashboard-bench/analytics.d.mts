/** One API request answered by the stand-in: [status, headers, body], null for a path it does not serve. */
export function answer(method: string, url: string, headers: Record<string, string | undefined>): [number, Record<string, string>, string] | null;
