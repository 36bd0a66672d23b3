import { useState } from 'react';
import type { Invitation, MyCompany, Role } from '@/shared/api/types';
import { ROLE_TEXT, ROLES } from '@/shared/companies/myCompanies';
import { formatDate } from '@/shared/format';
import { describeError, useForm } from '@/shared/forms/form';
import { emailError } from '@/shared/forms/validation';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n, type Params } from '@/shared/i18n/i18n';
import { Alert, QueryError, SubmitButton } from '@/shared/ui/Alert';
import { Field, SelectField } from '@/shared/ui/Field';
import { Loading } from '@/shared/ui/Page';
import { useInvitations, useInvite, useRevokeInvitation } from '../api';

/** What the last change did, kept as a key so it follows the language. */
interface Done {
  key: MessageKey;
  params: Params;
}

/** The roles the caller may invite: an owner any, a manager analysts and viewers (the API refuses the rest). */
function invitableRoles(inviter: Role): Role[] {
  return inviter === 'owner' ? ROLES : ['analyst', 'viewer'];
}

function InviteForm({ company, onSent }: { company: MyCompany; onSent: (email: string) => void }) {
  const { t } = useI18n();
  const invite = useInvite(company.id);
  const roles = invitableRoles(company.role);
  const form = useForm({
    t,
    initial: { email: '', role: 'viewer' },
    validate: (v) => ({ email: emailError(v.email, t) }),
    onSubmit: async (v) => {
      const invitation = await invite.mutateAsync({ email: v.email.trim(), role: v.role as Role });
      onSent(invitation.email);
    },
  });
  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      <Field {...form.field('email')} label={t('field.email')} type="email" autoComplete="off" required />
      <SelectField
        {...form.field('role')}
        label={t('team.invite.role')}
        hint={company.role === 'owner' ? undefined : t('team.invite.managerHint')}
        options={roles.map((role) => ({ value: role, label: t(ROLE_TEXT[role]) }))}
        required
      />
      <Alert message={form.formError} />
      <SubmitButton busy={form.submitting} label={t('team.invite.submit')} busyLabel={t('team.invite.sending')} />
    </form>
  );
}

/** An open invitation: when its link dies, sending it again (a new link replaces the old) or revoking it. */
function InvitationItem({ company, invitation, now, onDone }: { company: MyCompany; invitation: Invitation; now: number; onDone: (done: Done) => void }) {
  const { t, locale } = useI18n();
  const resend = useInvite(company.id);
  const revoke = useRevokeInvitation(company.id);
  const { email, role } = invitation;
  const expired = Date.parse(invitation.expires_at) <= now;
  const date = formatDate(invitation.expires_at, locale);
  const error = resend.error ?? revoke.error;
  const busy = resend.isPending || revoke.isPending;
  return (
    <li className="invitation">
      <div className="invitation__who">
        <p className="break-anywhere">
          <strong>{email}</strong> <span className="badge">{t(ROLE_TEXT[role])}</span>
        </p>
        <p className={expired ? 'invitation__expired' : 'muted'}>
          {expired ? t('team.invitation.expired', { date }) : t('team.invitation.expires', { date })}
        </p>
      </div>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          aria-busy={resend.isPending}
          onClick={() => resend.mutate({ email, role }, { onSuccess: () => onDone({ key: 'team.invitation.resent', params: { email } }) })}
        >
          {t('team.invitation.resend')}{' '}
          <span className="visually-hidden">{email}</span>
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          aria-busy={revoke.isPending}
          onClick={() => revoke.mutate(invitation.id, { onSuccess: () => onDone({ key: 'team.invitation.revoked', params: { email } }) })}
        >
          {t('team.invitation.revoke')}{' '}
          <span className="visually-hidden">{email}</span>
        </button>
      </div>
      {error ? <Alert message={describeError(error, t)} /> : null}
    </li>
  );
}

/** Invitations (managers and owners): send one, and the open ones with their expiry. */
export function Invitations({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  const invitations = useInvitations(company.id);
  // Whether an invitation expired, as of when the page opened (a link dying while the page is open is rare).
  const [now] = useState(Date.now);
  const [done, setDone] = useState<Done | null>(null);
  // Each invitation sent: its address, and a new form (the next one starts empty).
  const [sent, setSent] = useState<string[]>([]);
  const lastSent = sent.at(-1);
  return (
    <>
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('team.invite')}</h2>
        {lastSent ? <Alert kind="success" message={{ text: t('team.invite.sent', { email: lastSent }) }} /> : null}
        <InviteForm key={sent.length} company={company} onSent={(email) => setSent((emails) => [...emails, email])} />
      </section>
      <section className="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t('team.invitations')}</h2>
        {done ? <Alert kind="success" message={{ text: t(done.key, done.params) }} /> : null}
        {invitations.isPending ? <Loading /> : null}
        {invitations.isError ? <QueryError error={invitations.error} retry={invitations.refetch} /> : null}
        {invitations.data?.items.length === 0 ? <p className="muted">{t('team.invitations.none')}</p> : null}
        {invitations.data?.items.length ? (
          <ul className="invitations">
            {invitations.data.items.map((invitation) => (
              <InvitationItem key={invitation.id} company={company} invitation={invitation} now={now} onDone={setDone} />
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}
