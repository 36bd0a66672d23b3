export const HEADER: string;
export const DOCUMENT: string;
export const OUTPUT: string;
export function generate(documentText: string): Promise<string>;
