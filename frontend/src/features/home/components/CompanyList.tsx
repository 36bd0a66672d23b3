import { describeError } from '@/shared/forms/form';
import { ROLE_TEXT } from '@/shared/companies/myCompanies';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { Loading } from '@/shared/ui/Page';
import { useMyCompanies } from '../api';

/** The companies the user belongs to, each with the user's role; or how one gets there. */
export function CompanyList() {
  const { t } = useI18n();
  const companies = useMyCompanies();
  return (
    <section aria-labelledby="companies-title" className="stack">
      <h2 id="companies-title">{t('home.companies')}</h2>
      {companies.isPending ? <Loading /> : null}
      {companies.isError && !companies.data ? (
        <Alert message={describeError(companies.error, t)}>
          <button type="button" className="button" onClick={() => void companies.refetch()}>
            {t('banner.retry')}
          </button>
        </Alert>
      ) : null}
      {companies.data?.items.length === 0 ? <p className="muted">{t('home.companies.none')}</p> : null}
      {companies.data?.items.length ? (
        <ul className="cards">
          {companies.data.items.map((company) => (
            <li key={company.id} className="card company">
              <h3 className="break-anywhere">{company.name}</h3>
              <p>
                <span className="badge" data-role={company.role}>
                  {t(ROLE_TEXT[company.role])}
                </span>
              </p>
              {company.rut ? <p className="muted">{t('home.companies.rut', { rut: company.rut })}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
