import { QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError } from '@/shared/api/problem';

/** How many times a failed read is tried again (so at most 3 requests in all). */
export const MAX_RETRIES = 2;

/**
 * Retry what may pass a moment later (no answer, a 5xx), never what the API refused (any 4xx, a 429
 * included: it says when to come back; an ended session; a bug of ours).
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && error.status >= 500;
}

/** The app's one cache of server state. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        // No refetch storms: a page re-reads when it opens (or polls); focus and reconnect do not fan out
        // to every cached query (the banner's "retry" re-runs what failed instead).
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        staleTime: 30_000,
      },
      // A write is never repeated behind the user's back.
      mutations: { retry: false },
    },
  });
}
