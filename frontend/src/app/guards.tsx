import { Navigate, Outlet, useLocation } from 'react-router';
import { pendingInvitationPath } from '@/shared/session/pendingInvitation';
import { useSession } from '@/shared/session/SessionProvider';
import { Loading } from '@/shared/ui/Page';

/** Signed-in pages: wait for the silent refresh, then send strangers to sign in (and back after). */
export function RequireAuth() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedOut') {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}

/**
 * Where to go after signing in: the page that asked for it, if it is ours (no open redirect); else `fallback`.
 * Home asks for nothing in particular (it is where everyone lands), so the fallback wins over it.
 */
export function returnPath(state: unknown, fallback = '/'): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/' ? from : fallback;
}

/**
 * Sign in / register: a signed-in user goes on to where they were going, else to the invitation waiting in this
 * browser (opened signed out, then carried through registration and the email's confirmation), else home.
 */
export function PublicOnly() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return <Navigate to={returnPath(location.state, pendingInvitationPath() ?? '/')} replace />;
  return <Outlet />;
}
