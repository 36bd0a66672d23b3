const KEY = 'ayni.pendingEmail';

/** The address we are waiting on survives a reload (sessionStorage: this tab only, never the URL). */
export function rememberPendingEmail(email: string): void {
  try {
    sessionStorage.setItem(KEY, email);
  } catch {
    // storage disabled: the page asks for the address instead
  }
}

export function pendingEmail(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}
