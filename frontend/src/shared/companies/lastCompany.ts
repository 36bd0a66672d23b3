/*
 * The company whose pages the user opened last, in this browser: where Home sends someone with several companies.
 * Only an id (it admits nobody: the API checks membership); one that is no longer among the user's companies
 * is passed over, so nothing needs cleaning when the user leaves one.
 */
const KEY = 'ayni.lastCompany';

export function rememberLastCompany(companyId: string): void {
  try {
    localStorage.setItem(KEY, companyId);
  } catch {
    // storage disabled: Home falls back to the first company
  }
}

export function lastCompanyId(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Where Home sends the user: the last company opened if it is still theirs, else the first one; null when none. */
export function homeCompanyId(companyIds: readonly string[], last: string | null = lastCompanyId()): string | null {
  return last !== null && companyIds.includes(last) ? last : (companyIds[0] ?? null);
}
