import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { call } from '../api/api';
import type { Company, CompanyList, Role } from '../api/types';
import type { MessageKey } from '../i18n/es';

/**
 * The caller's companies, each with the caller's role (GET /companies): one cache entry that Home, the header and
 * every company page read, and that a write changing the list (creating a company, accepting an invitation,
 * leaving or deleting one) updates or invalidates.
 */
export const myCompaniesKey = ['companies', 'mine'] as const;

export const myCompaniesQuery = queryOptions({
  queryKey: myCompaniesKey,
  queryFn: ({ signal }) => call('myCompanies', { signal }),
});

/** A company's new details (PATCH), written into the list at once; the caller's role is unchanged. */
export function updateMyCompany(queryClient: QueryClient, company: Company): void {
  queryClient.setQueryData<CompanyList>(myCompaniesKey, (list) =>
    list && { items: list.items.map((c) => (c.id === company.id ? { ...company, role: c.role } : c)) },
  );
}

/**
 * A company the caller left or deleted: out of the list at once (so that Home, opened next, does not send the
 * user back to it), then the list is read again.
 */
export function dropMyCompany(queryClient: QueryClient, companyId: string): void {
  queryClient.setQueryData<CompanyList>(myCompaniesKey, (list) => list && { items: list.items.filter((c) => c.id !== companyId) });
  void queryClient.invalidateQueries({ queryKey: myCompaniesKey });
}

/** The name of each role, in the app's words. */
export const ROLE_TEXT: Record<Role, MessageKey> = {
  owner: 'role.owner',
  manager: 'role.manager',
  analyst: 'role.analyst',
  viewer: 'role.viewer',
};

/** Every role, from most to least. */
export const ROLES = Object.keys(ROLE_TEXT) as Role[];
