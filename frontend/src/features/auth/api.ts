import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { PasswordResetConfirmRequest, RegisterRequest, User } from '@/shared/api/types';
import { meKey } from '@/shared/session/me';

export function useRegister() {
  return useMutation({ mutationFn: (body: RegisterRequest) => call('register', { body }) });
}

/** Ask for a new verification link (always 202: it never tells whether the account exists). */
export function useResendVerification() {
  return useMutation({ mutationFn: (email: string) => call('resendVerification', { body: { email } }) });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: (email: string) => call('requestPasswordReset', { body: { email } }) });
}

export function useConfirmPasswordReset() {
  return useMutation({ mutationFn: (body: PasswordResetConfirmRequest) => call('confirmPasswordReset', { body }) });
}

/**
 * The verdict on an email link's token. A write the page makes as it opens, so a query keyed by the token:
 * the cache shares one request among React's double effects and re-renders (a token works once), and it is
 * never retried behind the user's back (the page offers "retry"; the banner's retry re-runs it).
 */
export function useVerifyEmail(token: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['auth', 'verify-email', token],
    queryFn: async ({ signal }): Promise<User> => {
      const user = await call('verifyEmail', { body: { token }, signal });
      // A signed-in user's cached `me` learns the news without another round trip.
      queryClient.setQueryData<User>(meKey, (me) => (me && !me.email_verified ? { ...me, email_verified: true } : me));
      return user;
    },
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}
