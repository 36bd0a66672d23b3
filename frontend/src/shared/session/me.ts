import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../api/api';

/** The cache entry of the signed-in user (GET /auth/me). Sign-out clears it with the rest of the cache. */
export const meKey = ['auth', 'me'] as const;

export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: ({ signal }) => call('me', { signal }),
});

/**
 * Re-reads the user (GET /me) when a signed-in page opens; the session and every page read the same
 * cache entry. A session that ended is handled by the client (sign-out); any other error keeps the data.
 */
export function useFreshUser() {
  return useQuery({ ...meQuery, staleTime: 0, refetchOnMount: 'always' });
}
