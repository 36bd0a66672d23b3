import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import { ApiError } from '@/shared/api/problem';
import { myCompaniesKey } from '@/shared/companies/myCompanies';
import { forgetInvitation } from '@/shared/session/pendingInvitation';
import { useSession } from '@/shared/session/SessionProvider';

/** Why the API refused an invitation, as the page tells it (`retry`: anything else, worth another try). */
export type Refusal = 'invalid' | 'used' | 'expired' | 'already-member' | 'wrong-account' | 'unverified' | 'retry';

const BY_SLUG: Record<string, Refusal> = {
  'invalid-token': 'invalid',
  'token-used': 'used',
  'token-expired': 'expired',
  'already-member': 'already-member',
  'wrong-account': 'wrong-account',
  'email-not-verified': 'unverified',
};

export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof ApiError)) return 'retry';
  const known = BY_SLUG[error.slug];
  if (known) return known;
  // A token the API cannot even read (422: too long, empty) is a broken link too.
  return error.status === 422 ? 'invalid' : 'retry';
}

/**
 * Refused for good: this link will never work for anybody, so the pending invitation goes. Not so for another
 * account (the invited one may sign in next), an unconfirmed email (confirm, then come back), or a failure.
 */
const FINAL = new Set<Refusal>(['invalid', 'used', 'expired', 'already-member']);
export const isFinal = (refusal: Refusal) => FINAL.has(refusal);

/** POST /invitations/accept: the answer is the company with the new role; Home's list is then stale. */
export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => call('acceptInvitation', { body: { token } }),
    onSuccess: () => {
      forgetInvitation();
      void queryClient.invalidateQueries({ queryKey: myCompaniesKey });
    },
    onError: (error) => {
      if (isFinal(refusalOf(error))) forgetInvitation();
    },
  });
}

/** "Sign out and switch accounts", when the invitation is for another address: the page then offers sign-in. */
export function useSwitchAccount() {
  const { signOut } = useSession();
  return useMutation({ mutationFn: () => signOut() });
}
