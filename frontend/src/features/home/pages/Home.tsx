import { Navigate, useLocation } from 'react-router';
import { homeCompanyId } from '@/shared/companies/lastCompany';
import { QueryError } from '@/shared/ui/Alert';
import { Loading } from '@/shared/ui/Page';
import { useMyCompanies } from '../api';

/**
 * `/`, where everyone signed in lands (the brand, sign-in, links in emails): a page of its own would be one more
 * tap before the figures. So it sends the user on: to the dashboard of the company they opened last (else their
 * first), or, without a company, to creating one. A notice the navigation carried goes along.
 */
export function Home() {
  const { state } = useLocation();
  const companies = useMyCompanies();
  if (companies.isPending) return <Loading />;
  if (!companies.data) return <QueryError error={companies.error} retry={companies.refetch} />;
  const companyId = homeCompanyId(companies.data.items.map((c) => c.id));
  return <Navigate to={companyId ? `/c/${companyId}` : '/companies/new'} replace state={state} />;
}
