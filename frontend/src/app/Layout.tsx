import type { ReactNode } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useI18n, type Lang } from '@/shared/i18n/i18n';
import { useSession } from '@/shared/session/SessionProvider';
import { ConnectivityBanner } from '@/shared/ui/Banner';
import { FlashNotice } from '@/shared/ui/Notice';
import { CompanyBar } from './CompanyBar';

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang" role="group" aria-label={t('lang.label')}>
      {(['es', 'en'] as Lang[]).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
          {l === 'es' ? 'ES' : 'EN'}
          <span className="visually-hidden"> {t(l === 'es' ? 'lang.es' : 'lang.en')}</span>
        </button>
      ))}
    </div>
  );
}

export function Layout({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const { status } = useSession();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header>
        <div className="topbar">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>{t('app.name')}</span>
          </Link>
          <nav aria-label={t('nav.main')}>
            <ul>
              {status === 'signedIn' ? (
                <>
                  <li>
                    <NavLink to="/companies" end>
                      {t('nav.companies')}
                    </NavLink>
                  </li>
                  <li>
                    <NavLink to="/account">{t('nav.account')}</NavLink>
                  </li>
                </>
              ) : status === 'signedOut' ? (
                <>
                  <li>
                    <NavLink to="/sign-in">{t('nav.signIn')}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/register">{t('nav.register')}</NavLink>
                  </li>
                </>
              ) : null}
              <li>
                <NavLink to="/status">{t('nav.status')}</NavLink>
              </li>
            </ul>
          </nav>
          <LanguageSwitch />
        </div>
        <CompanyBar />
      </header>
      <ConnectivityBanner />
      <main id="main" tabIndex={-1}>
        <FlashNotice />
        {children ?? <Outlet />}
      </main>
    </div>
  );
}
