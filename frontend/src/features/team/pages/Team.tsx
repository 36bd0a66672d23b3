import { can, useCompany } from '@/shared/companies/current';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';
import { Invitations } from '../components/Invitations';
import { Members } from '../components/Members';
import '../team.css';
import { teamEn, teamEs } from '../messages';

registerTexts({ es: teamEs, en: teamEn });

/** `/c/:companyId/team`: every member sees the team; managers and owners the invitations too. */
export function Team() {
  const { t } = useI18n();
  const company = useCompany();
  return (
    // Keyed by company: what was typed or done for one company never shows on another's team page.
    <div className="stack team" key={company.id}>
      <PageTitle>{t('team.title')}</PageTitle>
      <Members company={company} />
      {can(company.role, 'invite') ? <Invitations company={company} /> : null}
    </div>
  );
}
