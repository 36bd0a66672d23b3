import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { Link, NavLink, useMatch } from 'react-router';
import type { MyCompany } from '@/shared/api/types';
import { can } from '@/shared/companies/current';
import { myCompaniesQuery, ROLE_TEXT } from '@/shared/companies/myCompanies';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { useSession } from '@/shared/session/SessionProvider';

/** 24x24 outline icons of the company's sections (decorative: each link has its words). */
const ICONS = {
  dashboard: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  imports: 'M12 16V4M7 9l5-5 5 5M4 16v4h16v-4',
  team: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a6 6 0 0 0-4-5.6',
  settings: 'M4 6h10M18 6h2M4 12h2M10 12h10M4 18h12M20 18h0M16 4v4M8 10v4M18 16v4',
};

function Icon({ d }: { d: string }) {
  return (
    <svg className="companynav__icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function Section({ to, end, icon, label }: { to: string; end?: boolean; icon: keyof typeof ICONS; label: MessageKey }) {
  const { t } = useI18n();
  return (
    <li>
      <NavLink to={to} end={end}>
        <Icon d={ICONS[icon]} />
        <span>{t(label)}</span>
      </NavLink>
    </li>
  );
}

/**
 * The company's sections, as far as the caller's role opens them: Dashboard and Team for every member, Imports
 * and Settings for managers and owners. A bar under the header; on a phone, a tab bar at the bottom of the screen.
 */
function CompanyNav({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  const base = `/c/${company.id}`;
  return (
    <nav className="companynav" aria-label={t('companyNav.label', { company: company.name })}>
      <ul>
        <Section to={base} end icon="dashboard" label="companyNav.dashboard" />
        {can(company.role, 'import') ? <Section to={`${base}/imports`} icon="imports" label="companyNav.imports" /> : null}
        <Section to={`${base}/team`} icon="team" label="companyNav.team" />
        {can(company.role, 'settings') ? <Section to={`${base}/settings`} icon="settings" label="companyNav.settings" /> : null}
      </ul>
    </nav>
  );
}

/** Closes a pop-up on a click or tap outside it, and on Escape (focus then goes back to its button). */
function useDismiss(open: boolean, setOpen: (open: boolean) => void, box: RefObject<HTMLElement | null>, button: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, setOpen, box, button]);
}

/** The caller's companies, to go to another one's dashboard; and the way to all of them or to a new one. */
function CompanySwitcher({ company, companies }: { company: MyCompany; companies: MyCompany[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  useDismiss(open, setOpen, box, button);
  const close = () => setOpen(false);
  return (
    <div className="switcher" ref={box}>
      <button ref={button} type="button" className="switcher__button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen((o) => !o)}>
        <span className="switcher__name">{company.name}</span>{' '}
        <span className="visually-hidden">({t('companyNav.switch')})</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div id={menuId} className="switcher__menu">
          <ul>
            {companies.map((c) => (
              <li key={c.id}>
                <Link to={`/c/${c.id}`} aria-current={c.id === company.id ? 'true' : undefined} onClick={close}>
                  <span className="break-anywhere">{c.name}</span> <span className="badge">{t(ROLE_TEXT[c.role])}</span>
                  {c.is_demo ? <span className="badge">{t('company.demo')}</span> : null}
                </Link>
              </li>
            ))}
          </ul>
          <ul>
            <li>
              <Link to="/companies" onClick={close}>
                {t('companyNav.all')}
              </Link>
            </li>
            <li>
              <Link to="/companies/new" onClick={close}>
                {t('companyNav.new')}
              </Link>
            </li>
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The header's part for the company of the page (`/c/:companyId/...`): its name, or a switcher for someone in
 * several companies, and its sections. Nothing elsewhere, or while the company is unknown (its page says why).
 */
export function CompanyBar() {
  const match = useMatch('/c/:companyId/*');
  const { status } = useSession();
  const companies = useQuery({ ...myCompaniesQuery, enabled: status === 'signedIn' && match !== null });
  const items = companies.data?.items ?? [];
  const company = items.find((c) => c.id === match?.params.companyId);
  if (!company) return null;
  return (
    <div className="companybar">
      {items.length > 1 ? <CompanySwitcher company={company} companies={items} /> : <p className="companybar__name break-anywhere">{company.name}</p>}
      <CompanyNav company={company} />
    </div>
  );
}
