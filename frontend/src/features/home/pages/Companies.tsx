import { Link } from 'react-router';
import { useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';
import { CompanyList } from '../components/CompanyList';
import '../home.css';

/** `/companies`: every company of the user (the header's switcher links here), and the way to a new one. */
export function Companies() {
  const { t } = useI18n();
  return (
    <div className="stack">
      <PageTitle>{t('home.companies')}</PageTitle>
      <CompanyList />
      <p>
        <Link className="button" to="/companies/new">
          {t('home.companies.new')}
        </Link>
      </p>
    </div>
  );
}
