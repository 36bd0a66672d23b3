import { useI18n } from '@/shared/i18n/i18n';
import { pendingInvitation } from '@/shared/session/pendingInvitation';
import { Alert } from '@/shared/ui/Alert';
import { PageTitle } from '@/shared/ui/Page';
import { ResendForm } from '../components/ResendForm';
import { pendingEmail } from '../pendingEmail';

export function CheckEmail() {
  const { t } = useI18n();
  const email = pendingEmail();
  return (
    <section className="card card--narrow">
      <PageTitle>{t('checkEmail.title')}</PageTitle>
      <p>{email ? t('checkEmail.body', { email }) : t('checkEmail.bodyNoEmail')}</p>
      {pendingInvitation() ? <Alert kind="info" message={{ text: t('invitation.hint.checkEmail') }} /> : null}
      <p className="muted">{t('checkEmail.notArrived')}</p>
      <ResendForm initialEmail={email} />
    </section>
  );
}
