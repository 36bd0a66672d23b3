/*
 * The invitation a signed-out visitor opened (its token), carried through sign-in, registration and email
 * verification: the auth pages and the sign-in redirect read it here, without knowing the invitations feature.
 *
 * localStorage, not sessionStorage: the verification email's link opens in a new tab, whose sessionStorage is
 * empty, and that tab is where the new user signs in. The entry lasts a day (the sign-up detour takes minutes;
 * the emailed link itself works 7 days, so a forgotten entry costs one more click on it), and goes once the
 * invitation is accepted or refused for good. The token alone admits nobody: the API wants the invited,
 * verified account signed in.
 */
const KEY = 'ayni.pendingInvitation';
export const PENDING_INVITATION_TTL_MS = 24 * 60 * 60 * 1000;

interface Entry {
  token: string;
  savedAt: number;
}

/** The accept page of a token (the emailed link's path). */
export function invitationPath(token: string): string {
  return `/invitations/accept?token=${encodeURIComponent(token)}`;
}

export function rememberInvitation(token: string, now = Date.now()): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ token, savedAt: now } satisfies Entry));
  } catch {
    // storage disabled: the emailed link still works; the user opens it again after signing in
  }
}

/** The pending token, or '' (none, unreadable, or older than a day: then it is dropped). */
export function pendingInvitation(now = Date.now()): string {
  let entry: Partial<Entry> | null;
  try {
    entry = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Entry> | null;
  } catch {
    entry = { token: '' }; // unreadable: dropped below
  }
  if (entry === null) return '';
  const { token, savedAt } = entry;
  if (typeof token === 'string' && token !== '' && typeof savedAt === 'number' && now - savedAt < PENDING_INVITATION_TTL_MS) {
    return token;
  }
  forgetInvitation();
  return '';
}

/** Where a pending invitation waits, or null when there is none. */
export function pendingInvitationPath(): string | null {
  const token = pendingInvitation();
  return token ? invitationPath(token) : null;
}

export function forgetInvitation(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored, nothing to forget
  }
}
