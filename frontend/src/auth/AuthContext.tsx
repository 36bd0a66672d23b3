import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, client, onSessionExpired } from '../api/api';
import { connectivity } from '../api/connectivity';
import { NetworkError } from '../api/problem';
import type { LoginRequest, User } from '../api/types';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';
/** Why the user is signed out, for the sign-in page to say so. */
export type SignOutReason = 'expired' | 'signedOut' | 'passwordChanged' | null;

interface Auth {
  status: AuthStatus;
  user: User | null;
  reason: SignOutReason;
  signIn(credentials: LoginRequest): Promise<User>;
  signOut(options?: { everywhere?: boolean; reason?: SignOutReason }): Promise<void>;
  setUser(user: User): void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [user, setUserState] = useState<User | null>(null);
  const [reason, setReason] = useState<SignOutReason>(null);
  const booted = useRef(false);

  const endSession = useCallback((why: SignOutReason) => {
    client.clearTokens();
    setUserState(null);
    setReason(why);
    setStatus('signedOut');
  }, []);

  /** On page load: the refresh cookie, if any, brings the session back. */
  const restore = useCallback(async () => {
    setStatus('loading');
    try {
      if (await client.restoreSession()) {
        setUserState(await api.me());
        setStatus('signedIn');
        return;
      }
      setStatus('signedOut');
    } catch (error) {
      // API unreachable: show the public pages and the banner; "retry" runs this again.
      if (!(error instanceof NetworkError)) client.clearTokens();
      setStatus('signedOut');
    }
  }, []);

  useEffect(() => {
    onSessionExpired(() => endSession('expired'));
    return () => onSessionExpired(null);
  }, [endSession]);

  useEffect(() => {
    if (booted.current) return;
    booted.current = true;
    void restore();
  }, [restore]);

  useEffect(
    () =>
      connectivity.onRetry(() => {
        if (!client.hasAccessToken()) void restore();
      }),
    [restore],
  );

  const signIn = useCallback(async (credentials: LoginRequest) => {
    await api.login(credentials);
    const me = await api.me();
    setUserState(me);
    setReason(null);
    setStatus('signedIn');
    return me;
  }, []);

  const signOut = useCallback(
    async ({ everywhere = false, reason: why = 'signedOut' }: { everywhere?: boolean; reason?: SignOutReason } = {}) => {
      // Signing out everywhere must not pretend: an error reaches the page, the session stays.
      if (everywhere) await api.logoutAll();
      try {
        await api.logout();
      } catch {
        // This tab forgets its token anyway; the cookie dies with its session or expires.
      }
      endSession(why);
    },
    [endSession],
  );

  const value = useMemo<Auth>(
    () => ({ status, user, reason, signIn, signOut, setUser: setUserState }),
    [status, user, reason, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
