import { Navigate, Outlet, useLocation } from 'react-router';
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

/** Where to go after signing in: the page that asked for it, if it is ours (no open redirect). */
export function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
}

/** Sign in / register: a signed-in user goes on to where they were going, or home. */
export function PublicOnly() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'signedIn') return <Navigate to={returnPath(location.state)} replace />;
  return <Outlet />;
}
