import { Link } from 'react-router';
import { ROLE_TEXT } from '@/shared/companies/myCompanies';
import { useI18n } from '@/shared/i18n/i18n';
import { QueryError } from '@/shared/ui/Alert';
import { Loading } from '@/shared/ui/Page';
import { useMyCompanies } from '../api';

/** The companies the user belongs to, each with the user's role and a link to its dashboard; or how one gets there. */
export function CompanyList() {
  const { t } = useI18n();
  const companies = useMyCompanies();
  if (companies.isPending) return <Loading />;
  if (!companies.data) return <QueryError error={companies.error} retry={companies.refetch} />;
  if (companies.data.items.length === 0) return <p className="muted">{t('home.companies.none')}</p>;
  return (
    <>
      <p>{t('home.companies.intro')}</p>
      <ul className="cards">
        {companies.data.items.map((company) => (
          <li key={company.id} className="card company">
            <h2 className="break-anywhere">
              <Link to={`/c/${company.id}`}>{company.name}</Link>
            </h2>
            <p>
              <span className="badge" data-role={company.role}>
                {t(ROLE_TEXT[company.role])}
              </span>
              {company.is_demo ? <span className="badge">{t('company.demo')}</span> : null}
            </p>
            {company.rut ? <p className="muted">{t('home.companies.rut', { rut: company.rut })}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
