import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { MyCompany, User } from '@/shared/api/types';
import { ROLE_TEXT } from '@/shared/companies/myCompanies';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import type { MessageKey } from '@/shared/i18n/es';
import { invitationPath, pendingInvitation, rememberInvitation } from '@/shared/session/pendingInvitation';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { Loading, PageTitle } from '@/shared/ui/Page';
import { isFinal, refusalOf, useAcceptInvitation, useSwitchAccount, type Refusal } from '../api';

/** What each final refusal says, and what to do about it. */
const FINAL_TEXT: Partial<Record<Refusal, [what: MessageKey, next?: MessageKey]>> = {
  invalid: ['invitation.invalid', 'invitation.askNew'],
  used: ['invitation.used'],
  expired: ['invitation.expired', 'invitation.askNew'],
  'already-member': ['invitation.alreadyMember'],
};

function GoHome() {
  const { t } = useI18n();
  return (
    <Link className="button button--primary" to="/">
      {t('invitation.goHome')}
    </Link>
  );
}

/** Signed out: why to sign in (or register) first; the token waits in the browser meanwhile. */
function SignedOut({ token }: { token: string }) {
  const { t } = useI18n();
  // Kept for the way back: sign-in, or registration and the email's confirmation link (which opens a new tab).
  useEffect(() => rememberInvitation(token), [token]);
  return (
    <>
      <p>{t('invitation.signedOut')}</p>
      <div className="actions actions--split">
        <Link className="button button--primary" to="/sign-in" state={{ from: invitationPath(token) }}>
          {t('invitation.signIn')}
        </Link>
        <Link className="button" to="/register">
          {t('invitation.register')}
        </Link>
      </div>
      <p className="muted">{t('invitation.kept')}</p>
    </>
  );
}

function Accepted({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  return (
    <>
      <Alert kind="success" message={{ text: t('invitation.accepted', { company: company.name, role: t(ROLE_TEXT[company.role]) }) }} />
      <Link className="button button--primary" to={`/c/${company.id}`}>
        {t('invitation.goCompany', { company: company.name })}
      </Link>
    </>
  );
}

function WrongAccount({ user }: { user: User }) {
  const { t } = useI18n();
  const switchAccount = useSwitchAccount();
  return (
    <Alert message={{ text: t('invitation.wrongAccount', { email: user.email }) }}>
      <p>{t('invitation.wrongAccountHelp')}</p>
      <button type="button" className="button" disabled={switchAccount.isPending} onClick={() => switchAccount.mutate()}>
        {switchAccount.isPending ? t('invitation.switching') : t('invitation.switchAccount')}
      </button>
    </Alert>
  );
}

function Unverified() {
  const { t } = useI18n();
  return (
    <Alert kind="info" message={{ text: t('invitation.unverified') }}>
      <p>
        <Link to="/check-your-email">{t('invitation.resend')}</Link>
      </p>
    </Alert>
  );
}

/** Signed in: what is being accepted and with which account; then the answer, in words, with what to do. */
function SignedIn({ token, user }: { token: string; user: User }) {
  const { t } = useI18n();
  const accept = useAcceptInvitation();
  if (accept.isSuccess) return <Accepted company={accept.data} />;
  const refusal = accept.isError ? refusalOf(accept.error) : null;
  const final = refusal !== null && isFinal(refusal) ? FINAL_TEXT[refusal] : undefined;
  if (final) {
    const [what, next] = final;
    return (
      <>
        <Alert message={{ text: t(what) }}>{next ? <p>{t(next)}</p> : null}</Alert>
        <GoHome />
      </>
    );
  }
  const unverified = !user.email_verified || refusal === 'unverified';
  return (
    <>
      <p>{t('invitation.intro')}</p>
      <p className="break-anywhere">{t('invitation.as', { email: user.email })}</p>
      {refusal === 'wrong-account' ? <WrongAccount user={user} /> : null}
      {unverified ? <Unverified /> : null}
      {refusal === 'retry' ? <Alert message={describeError(accept.error, t)} /> : null}
      {refusal !== 'wrong-account' && !unverified ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!accept.isPending) accept.mutate(token);
          }}
        >
          <SubmitButton busy={accept.isPending} label={t('invitation.accept')} busyLabel={t('invitation.accepting')} />
        </form>
      ) : null}
    </>
  );
}

/** `/invitations/accept?token=…`, the emailed link; without a token in it, the one waiting in this browser. */
export function AcceptInvitation() {
  const { t } = useI18n();
  const { status, user } = useSession();
  const [params] = useSearchParams();
  const [stored] = useState(pendingInvitation);
  const token = params.get('token') || stored;
  return (
    <section className="card card--narrow">
      <PageTitle>{t('invitation.title')}</PageTitle>
      {!token ? (
        <Alert message={{ text: t('invitation.missing') }} />
      ) : status === 'loading' ? (
        <Loading />
      ) : status === 'signedIn' && user ? (
        <SignedIn token={token} user={user} />
      ) : (
        <SignedOut token={token} />
      )}
    </section>
  );
}
