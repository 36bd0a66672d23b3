import { Link } from 'react-router';
import { useI18n } from '@/shared/i18n/i18n';
import { useFreshUser } from '@/shared/session/me';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert } from '@/shared/ui/Alert';
import { PageTitle } from '@/shared/ui/Page';
import { CompanyList } from '../components/CompanyList';

export function Home() {
  const { t } = useI18n();
  const { user } = useSession();
  useFreshUser();
  const name = user?.full_name?.trim();
  return (
    <div className="stack">
      <PageTitle>{name ? t('home.title', { name }) : t('home.titleNoName')}</PageTitle>
      {user && !user.email_verified ? (
        <Alert kind="info" message={{ text: t('home.verifyWarning') }}>
          <Link to="/check-your-email">{t('signIn.resend')}</Link>
        </Alert>
      ) : null}
      <p>{t('home.intro')}</p>
      <CompanyList />
    </div>
  );
}
