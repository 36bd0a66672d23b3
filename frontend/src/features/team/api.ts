import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { InvitationCreate, MemberList, Role } from '@/shared/api/types';
import { membersKey } from '@/shared/companies/lists';
import { dropMyCompany, myCompaniesKey } from '@/shared/companies/myCompanies';

const invitationsKey = (companyId: string) => ['companies', companyId, 'invitations'] as const;

/** PATCH a member's role (owners). The caller's own role changes what the app shows: the companies are re-read. */
export function useChangeRole(companyId: string, userId: string, myId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (role: Role) => call('changeMemberRole', { params: { company_id: companyId, user_id: userId }, body: { role } }),
    onSuccess: (member) => {
      // Straight into the list: the select shows the new role without waiting for a second read.
      queryClient.setQueryData<MemberList>(membersKey(companyId), (list) => list && { items: list.items.map((m) => (m.user_id === member.user_id ? member : m)) });
      if (member.user_id === myId) void queryClient.invalidateQueries({ queryKey: myCompaniesKey });
    },
  });
}

/** DELETE a member (owners), or oneself (leaving: the company then leaves the caller's list). */
export function useRemoveMember(companyId: string, myId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => call('removeMember', { params: { company_id: companyId, user_id: userId } }),
    onSuccess: (_, userId) => {
      if (userId === myId) dropMyCompany(queryClient, companyId);
      else void queryClient.invalidateQueries({ queryKey: membersKey(companyId) });
    },
  });
}

export function useInvitations(companyId: string) {
  return useQuery({
    queryKey: invitationsKey(companyId),
    queryFn: ({ signal }) => call('invitations', { params: { company_id: companyId }, signal }),
  });
}

/** POST an invitation; to an address with an open one, it replaces it (a re-invite: the old link dies). */
export function useInvite(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: InvitationCreate) => call('invite', { params: { company_id: companyId }, body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitationsKey(companyId) }),
  });
}

export function useRevokeInvitation(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => call('revokeInvitation', { params: { company_id: companyId, invitation_id: invitationId } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invitationsKey(companyId) }),
  });
}
