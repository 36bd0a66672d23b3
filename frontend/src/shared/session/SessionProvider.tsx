import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, client, onSessionExpired } from '../api/api';
import { connectivity } from '../api/connectivity';
import { NetworkError } from '../api/problem';
import type { LoginRequest, User } from '../api/types';
import { meKey, meQuery } from './me';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';
/** Why the user is signed out, for the sign-in page to say so. */
export type SignOutReason = 'expired' | 'signedOut' | 'passwordChanged' | null;

export interface Session {
  status: AuthStatus;
  /** The signed-in user: the `me` query's cache entry. */
  user: User | null;
  reason: SignOutReason;
  signIn(credentials: LoginRequest): Promise<User>;
  signOut(options?: { everywhere?: boolean; reason?: SignOutReason }): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * Who is signed in. Shared by every feature (auth signs in, account signs out, pages read the user), so
 * it lives here, not in a feature. The access token stays in the API client's memory; the user is the
 * `me` entry of the query cache.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [reason, setReason] = useState<SignOutReason>(null);
  const booted = useRef(false);
  // Reads the cache entry; fetching it is the session's (below) and the pages' (useFreshUser) business.
  const me = useQuery({ ...meQuery, enabled: false, staleTime: Infinity });

  const endSession = useCallback(
    (why: SignOutReason) => {
      client.clearTokens();
      // Nothing of this user outlives the session: no cached answer, no mutation's variables.
      queryClient.clear();
      setReason(why);
      setStatus('signedOut');
    },
    [queryClient],
  );

  /** The user of the token the client now holds, fetched once (no retries: the caller decides). */
  const loadUser = useCallback(() => queryClient.fetchQuery({ ...meQuery, staleTime: 0, retry: false }), [queryClient]);

  /** On page load: the refresh cookie, if any, brings the session back. */
  const restore = useCallback(async () => {
    setStatus('loading');
    try {
      if (await client.restoreSession()) {
        await loadUser();
        setStatus('signedIn');
        return;
      }
      setStatus('signedOut');
    } catch (error) {
      // API unreachable: show the public pages and the banner; "retry" runs this again.
      if (!(error instanceof NetworkError)) client.clearTokens();
      setStatus('signedOut');
    }
  }, [loadUser]);

  useEffect(() => {
    onSessionExpired(() => endSession('expired'));
    return () => onSessionExpired(null);
  }, [endSession]);

  // The session bootstrap: POST /auth/refresh once per page load, through the same client.
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

  const signIn = useCallback(
    async (credentials: LoginRequest) => {
      client.setTokens(await call('login', { body: credentials }));
      const user = await loadUser();
      setReason(null);
      setStatus('signedIn');
      return user;
    },
    [loadUser],
  );

  const signOut = useCallback(
    async ({ everywhere = false, reason: why = 'signedOut' }: { everywhere?: boolean; reason?: SignOutReason } = {}) => {
      // Signing out everywhere must not pretend: an error reaches the page, the session stays.
      if (everywhere) await call('logoutAll');
      try {
        await call('logout');
      } catch {
        // This tab forgets its token anyway; the cookie dies with its session or expires.
      }
      endSession(why);
    },
    [endSession],
  );

  const user = status === 'signedIn' ? (me.data ?? queryClient.getQueryData(meKey) ?? null) : null;
  const value = useMemo<Session>(() => ({ status, user, reason, signIn, signOut }), [status, user, reason, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
