import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useEffect } from 'react';
import { Link, Outlet, useParams } from 'react-router';
import { NotFound } from '../ui/NotFound';
import type { MyCompany, Role } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { QueryError } from '../ui/Alert';
import { Loading, PageTitle } from '../ui/Page';
import { rememberLastCompany } from './lastCompany';
import { myCompaniesQuery, ROLE_TEXT } from './myCompanies';

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
 * Home), and a company that is not among them is a 404, as the API answers it; unless the list is being read
 * again (a company just created or joined is not in the old one). The company opened is remembered for Home.
 */
export function CompanyScope() {
  const { companyId } = useParams();
  const companies = useQuery(myCompaniesQuery);
  if (companies.isPending) return <Loading />;
  if (companies.isError) return <QueryError error={companies.error} retry={companies.refetch} />;
  const company = companies.data.items.find((c) => c.id === companyId);
  if (!company) return companies.isFetching ? <Loading /> : <NotFound />;
  return (
    <CompanyContext.Provider value={company}>
      <LastCompany id={company.id} />
      <Outlet />
    </CompanyContext.Provider>
  );
}

function LastCompany({ id }: { id: string }) {
  useEffect(() => rememberLastCompany(id), [id]);
  return null;
}

/**
 * A page of the company that needs `right` (settings, imports): a role without it gets a page saying so, in
 * words, instead of the API's 403s; the links to it are hidden from that role anyway.
 */
export function RequireRight({ right }: { right: Right }) {
  const { t } = useI18n();
  const company = useCompany();
  if (can(company.role, right)) return <Outlet />;
  return (
    <section className="card card--narrow" data-testid="forbidden">
      <PageTitle>{t('forbidden.title')}</PageTitle>
      <p>{t('forbidden.body', { company: company.name, role: t(ROLE_TEXT[company.role]) })}</p>
      <Link className="button button--primary" to={`/c/${company.id}`}>
        {t('forbidden.back', { company: company.name })}
      </Link>
    </section>
  );
}
