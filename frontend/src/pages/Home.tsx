import { useEffect } from 'react';
import { Link } from 'react-router';
import { api } from '../api/api';
import { useAuth } from '../auth/AuthContext';
import { Alert } from '../components/Alert';
import { PageTitle } from '../components/Layout';
import { useI18n } from '../i18n/i18n';

/** Re-reads the user (GET /me) when a signed-in page opens. */
export function useFreshUser(): void {
  const { setUser } = useAuth();
  useEffect(() => {
    let live = true;
    api.me().then(
      (u) => {
        if (live) setUser(u);
      },
      () => undefined, // a session that ended is handled by the client (sign-out); else keep what we have
    );
    return () => {
      live = false;
    };
  }, [setUser]);
}

export function Home() {
  const { t } = useI18n();
  const { user } = useAuth();
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
      <ul className="cards" aria-label={t('home.soon')}>
        {(['home.card.sales', 'home.card.stock', 'home.card.staff'] as const).map((key) => (
          <li key={key} className="card card--placeholder">
            <h2>{t(key)}</h2>
            <p className="muted">{t('home.soon')}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
