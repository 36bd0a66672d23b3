import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { ChangePasswordRequest, UpdateMeRequest } from '@/shared/api/types';
import { meKey } from '@/shared/session/me';
import { useSession } from '@/shared/session/SessionProvider';

/** PATCH /me; the answer is the new `me`, written into the cache (no second GET). */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeRequest) => call('updateMe', { body }),
    onSuccess: (user) => queryClient.setQueryData(meKey, user),
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body: ChangePasswordRequest) => call('changePassword', { body }) });
}

/** This device, or every device (POST /logout-all first); the session then clears the cache. */
export function useSignOut() {
  const { signOut } = useSession();
  return useMutation({ mutationFn: (everywhere: boolean) => signOut({ everywhere }) });
}
