import { useCompany } from '@/shared/companies/current';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';
import { History } from '../components/History';
import { UploadCard } from '../components/UploadCard';
import '../imports.css';
import { importsEn, importsEs } from '../messages';

registerTexts({ es: importsEs, en: importsEn });

/** `/c/:companyId/imports` (managers and owners: RequireRight): upload a sales file, and the company's imports so far. */
export function Imports({ pollMs }: { pollMs?: number }) {
  const { t } = useI18n();
  const company = useCompany();
  return (
    <div className="stack">
      <div>
        <PageTitle>{t('imports.title')}</PageTitle>
        <p className="muted">{t('imports.intro', { company: company.name })}</p>
      </div>
      <UploadCard />
      <History pollMs={pollMs} />
    </div>
  );
}
