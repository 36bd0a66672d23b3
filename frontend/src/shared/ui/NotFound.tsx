import { Link, useLocation } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { PageTitle } from './Page';

export function NotFound() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  return (
    <section className="card card--narrow" data-testid="not-found">
      <p className="big-code" aria-hidden="true">
        404
      </p>
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.body', { path: pathname })}</p>
      <Link className="button button--primary" to="/">
        {t('notFound.home')}
      </Link>
    </section>
  );
}
