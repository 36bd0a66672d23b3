import { queryOptions } from '@tanstack/react-query';
import { call } from '../api/api';
import type { Role } from '../api/types';
import type { MessageKey } from '../i18n/es';

/**
 * The caller's companies, each with the caller's role (GET /companies): one cache entry that Home reads and
 * that a write changing the list (accepting an invitation, later creating a company) invalidates.
 */
export const myCompaniesKey = ['companies', 'mine'] as const;

export const myCompaniesQuery = queryOptions({
  queryKey: myCompaniesKey,
  queryFn: ({ signal }) => call('myCompanies', { signal }),
});

/** The name of each role, in the app's words. */
export const ROLE_TEXT: Record<Role, MessageKey> = {
  owner: 'role.owner',
  manager: 'role.manager',
  analyst: 'role.analyst',
  viewer: 'role.viewer',
};
