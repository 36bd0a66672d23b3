import { useNavigate } from 'react-router';
import { describeError } from '@/shared/forms/form';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { withNotice } from '@/shared/ui/Notice';
import { useCreateDemoCompany } from '../api';

/**
 * "Explore with sample data": a separate demo company of the user's own, filled by a job; the user goes to its
 * dashboard at once, told that the sales are being generated.
 */
export function DemoOffer({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const demo = useCreateDemoCompany();
  const start = () =>
    demo.mutate(undefined, {
      onSuccess: (company) => void navigate(`/c/${company.id}`, { state: withNotice('onboarding.demo.generating', { company: company.name }) }),
    });
  return (
    <section className="card choice" aria-labelledby="demo-title">
      <h2 id="demo-title">{t(title)}</h2>
      <p>{t('onboarding.demo.body')}</p>
      <Alert message={demo.error && describeError(demo.error, t)} />
      <button type="button" className="button" disabled={demo.isPending} aria-busy={demo.isPending} onClick={start}>
        {demo.isPending ? <span className="spinner" aria-hidden="true" /> : null}
        {demo.isPending ? t('onboarding.demo.starting') : t('onboarding.demo.start')}
      </button>
    </section>
  );
}
