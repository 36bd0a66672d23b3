import { Link } from 'react-router';
import { can, useCompany } from '@/shared/companies/current';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { PageTitle } from '@/shared/ui/Page';
import { DemoOffer } from '../components/DemoOffer';
import '../onboarding.css';
import { onboardingEn, onboardingEs } from '../messages';

registerTexts({ es: onboardingEs, en: onboardingEn });

/** `/c/:companyId/start`, right after creating a company: upload its sales, or look at sample data first. */
export function Start() {
  const { t } = useI18n();
  const company = useCompany();
  return (
    <div className="stack onboarding">
      <PageTitle>{t('onboarding.start.title', { company: company.name })}</PageTitle>
      <p>{t('onboarding.start.intro')}</p>
      <div className="choices">
        {can(company.role, 'import') ? (
          <section className="card choice" aria-labelledby="upload-title">
            <h2 id="upload-title">{t('onboarding.start.upload')}</h2>
            <p>{t('onboarding.start.uploadBody')}</p>
            <Link className="button button--primary" to={`/c/${company.id}/imports`}>
              {t('onboarding.start.upload')}
            </Link>
          </section>
        ) : null}
        <DemoOffer title="onboarding.start.demo" />
      </div>
      <p>
        <Link to={`/c/${company.id}`}>{t('onboarding.start.later', { company: company.name })}</Link>
      </p>
    </div>
  );
}
