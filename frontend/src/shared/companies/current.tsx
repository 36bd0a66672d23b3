import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { Outlet, useParams } from 'react-router';
import { NotFound } from '../ui/NotFound';
import { describeError } from '../forms/form';
import type { MyCompany, Role } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Alert } from '../ui/Alert';
import { Loading } from '../ui/Page';
import { myCompaniesQuery } from './myCompanies';

/**
 * What each role may do in the web app, as DESIGN.md "Companies, locations, members" grants it: the API checks
 * again, this only decides what to show.
 */
export type Right =
  | 'read' // dashboards
  | 'export' // CSV downloads
  | 'import' // upload, start and undo imports
  | 'settings' // company details and locations
  | 'invite' // invitations (a manager may invite analysts and viewers only)
  | 'members' // change roles, remove members
  | 'delete'; // delete the company

const LEAST_ROLE: Record<Right, Role> = {
  read: 'viewer',
  export: 'analyst',
  import: 'manager',
  settings: 'manager',
  invite: 'manager',
  members: 'owner',
  delete: 'owner',
};
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, manager: 2, owner: 3 };

export function can(role: Role, right: Right): boolean {
  return RANK[role] >= RANK[LEAST_ROLE[right]];
}

const CompanyContext = createContext<MyCompany | null>(null);

/** The company of the page (`/c/:companyId/...`), with the caller's role. Only inside CompanyScope. */
export function useCompany(): MyCompany {
  const company = useContext(CompanyContext);
  if (!company) throw new Error('useCompany outside CompanyScope');
  return company;
}

/**
 * The routes of one company (`/c/:companyId/...`): the caller's companies are read once (shared cache with
 * Home), and a company that is not among them is a 404, as the API answers it.
 */
export function CompanyScope() {
  const { t } = useI18n();
  const { companyId } = useParams();
  const companies = useQuery(myCompaniesQuery);
  if (companies.isPending) return <Loading />;
  if (companies.isError) {
    return (
      <Alert message={describeError(companies.error, t)}>
        <button type="button" className="button" onClick={() => void companies.refetch()}>
          {t('banner.retry')}
        </button>
      </Alert>
    );
  }
  const company = companies.data.items.find((c) => c.id === companyId);
  if (!company) return <NotFound />;
  return (
    <CompanyContext.Provider value={company}>
      <Outlet />
    </CompanyContext.Provider>
  );
}
