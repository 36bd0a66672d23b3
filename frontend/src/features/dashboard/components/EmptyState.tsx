import { Link } from 'react-router';
import { can, useCompany } from '@/shared/companies/current';
import { useI18n } from '@/shared/i18n/i18n';

/** A company without sales: the way to the upload page for those who may upload, else who will. */
export function EmptyState() {
  const { t } = useI18n();
  const company = useCompany();
  return (
    <section className="card dash-empty" aria-labelledby="dash-empty-title">
      <h2 id="dash-empty-title">{t('dashboard.empty.title')}</h2>
      {can(company.role, 'import') ? (
        <>
          <p>{t('dashboard.empty.upload')}</p>
          <Link className="button button--primary dash-empty__action" to={`/c/${company.id}/imports`}>
            {t('dashboard.empty.uploadLink')}
          </Link>
        </>
      ) : (
        <p>{t('dashboard.empty.wait')}</p>
      )}
    </section>
  );
}
