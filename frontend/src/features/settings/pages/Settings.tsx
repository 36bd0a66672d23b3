import { can, useCompany } from '@/shared/companies/current';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';
import { CompanyDetails } from '../components/CompanyDetails';
import { DeleteCompany } from '../components/DeleteCompany';
import { Locations } from '../components/Locations';
import '../settings.css';
import { settingsEn, settingsEs } from '../messages';

registerTexts({ es: settingsEs, en: settingsEn });

/** `/c/:companyId/settings` (managers and owners; RequireRight answers the others). */
export function Settings() {
  const { t } = useI18n();
  const company = useCompany();
  return (
    // Keyed by company: forms opened for one company never carry their values into another's settings.
    <div className="stack settings" key={company.id}>
      <PageTitle>{t('settings.title')}</PageTitle>
      <CompanyDetails company={company} />
      <Locations companyId={company.id} />
      {can(company.role, 'delete') ? <DeleteCompany company={company} /> : null}
    </div>
  );
}
