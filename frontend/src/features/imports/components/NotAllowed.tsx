import { Link } from 'react-router';
import { useCompany } from '@/shared/companies/current';
import { useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';

/** For analysts and viewers: imports are for the company's managers and owners (the API refuses them too). */
export function NotAllowed() {
  const { t } = useI18n();
  const company = useCompany();
  return (
    <section className="card card--narrow" data-testid="imports-not-allowed">
      <PageTitle>{t('imports.title')}</PageTitle>
      <p>{t('imports.forbidden', { company: company.name })}</p>
      <Link className="button button--primary" to={`/c/${company.id}`}>
        {t('imports.toDashboard')}
      </Link>
    </section>
  );
}
