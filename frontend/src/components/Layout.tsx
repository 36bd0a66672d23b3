import { useEffect, useRef, type ReactNode } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { useI18n, type Lang } from '../i18n/i18n';
import { ConnectivityBanner } from './Banner';

let firstPage = true;

/** The page's h1; sets document.title and moves focus to it after in-app navigation (screen readers). */
export function PageTitle({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Ayni`;
  }, [children]);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

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
  const { status } = useAuth();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>{t('app.name')}</span>
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {status === 'signedIn' ? (
              <>
                <li>
                  <NavLink to="/" end>
                    {t('nav.home')}
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
      </header>
      <ConnectivityBanner />
      <main id="main" tabIndex={-1}>
        {children ?? <Outlet />}
      </main>
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {t('app.loading')}
    </div>
  );
}
