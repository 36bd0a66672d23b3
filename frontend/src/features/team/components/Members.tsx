import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Member, MyCompany, Role } from '@/shared/api/types';
import { can } from '@/shared/companies/current';
import { ROLE_TEXT, ROLES } from '@/shared/companies/myCompanies';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, QueryError } from '@/shared/ui/Alert';
import { ConfirmButton } from '@/shared/ui/ConfirmButton';
import { withNotice } from '@/shared/ui/Notice';
import { Loading } from '@/shared/ui/Page';
import { useMembers } from '@/shared/companies/lists';
import { useChangeRole, useRemoveMember } from '../api';

/** A member's name as the team sees it: the full name, else the email. */
const displayName = (member: Member) => member.full_name.trim() || member.email;

/** One member: the role (a choice for an owner), and removing them (owners). */
function MemberItem({ company, member, isMe, onRemoved }: { company: MyCompany; member: Member; isMe: boolean; onRemoved: (name: string) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const changeRole = useChangeRole(company.id, member.user_id, user?.id);
  const remove = useRemoveMember(company.id, user?.id);
  const [changed, setChanged] = useState(false);
  const name = displayName(member);
  const manage = can(company.role, 'members');
  // While a change is on its way the select shows it; refused, it shows the role the member still has.
  const role = changeRole.isPending ? changeRole.variables : member.role;
  const error = changeRole.error ?? remove.error;
  return (
    <li className="member">
      <div className="member__who">
        <p className="member__name break-anywhere">
          {name}
          {isMe ? (
            <>
              {' '}
              <span className="badge">{t('team.you')}</span>
            </>
          ) : null}
        </p>
        {name !== member.email ? <p className="muted break-anywhere">{member.email}</p> : null}
      </div>
      <div className="member__role">
        {manage ? (
          <select
            aria-label={t('team.role', { name })}
            value={role}
            disabled={changeRole.isPending}
            onChange={(e) => {
              setChanged(false);
              changeRole.mutate(e.target.value as Role, { onSuccess: () => setChanged(true) });
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_TEXT[r])}
              </option>
            ))}
          </select>
        ) : (
          <span className="badge" data-role={member.role}>
            {t(ROLE_TEXT[member.role])}
          </span>
        )}
        {manage && !isMe ? (
          <ConfirmButton
            label={t('team.remove')}
            question={t('team.removeQuestion', { name, company: company.name })}
            confirmLabel={t('team.removeConfirm')}
            busyLabel={t('team.removing')}
            busy={remove.isPending}
            onConfirm={() => remove.mutate(member.user_id, { onSuccess: () => onRemoved(name) })}
          />
        ) : null}
      </div>
      {changed && !changeRole.isPending ? (
        <p className="member__done" role="status">
          {t('team.roleChanged', { name, role: t(ROLE_TEXT[member.role]) })}
        </p>
      ) : null}
      {error ? <Alert message={describeError(error, t)} /> : null}
    </li>
  );
}

/** Leaving the company (removing oneself); the last owner cannot, and is told what to do first. */
function Leave({ company, lastOwner }: { company: MyCompany; lastOwner: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { user } = useSession();
  const leave = useRemoveMember(company.id, user?.id);
  if (!user) return null;
  return (
    <div className="leave">
      {lastOwner ? <p className="muted">{t('team.lastOwner')}</p> : null}
      <Alert message={leave.error && describeError(leave.error, t)} />
      <ConfirmButton
        label={t('team.leave')}
        question={t('team.leaveQuestion', { company: company.name })}
        confirmLabel={t('team.leaveConfirm')}
        busyLabel={t('team.leaving')}
        busy={leave.isPending}
        disabled={lastOwner}
        onConfirm={() =>
          leave.mutate(user.id, {
            onSuccess: () => void navigate('/', { replace: true, state: withNotice('team.left', { company: company.name }) }),
          })
        }
      />
    </div>
  );
}

/** The members with their roles (every member sees them); owners change roles and remove; anyone may leave. */
export function Members({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  const { user } = useSession();
  const members = useMembers(company.id);
  const [removed, setRemoved] = useState<string | null>(null);
  const owners = members.data?.items.filter((m) => m.role === 'owner') ?? [];
  const lastOwner = owners.length === 1 && owners[0]?.user_id === user?.id;
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('team.members')}</h2>
      <p className="muted">{t('team.roles')}</p>
      {removed ? <Alert kind="success" message={{ text: t('team.removed', { name: removed }) }} /> : null}
      {members.isPending ? <Loading /> : null}
      {members.isError ? <QueryError error={members.error} retry={members.refetch} /> : null}
      {members.data ? (
        <>
          <ul className="members">
            {members.data.items.map((member) => (
              <MemberItem key={member.user_id} company={company} member={member} isMe={member.user_id === user?.id} onRemoved={setRemoved} />
            ))}
          </ul>
          <Leave company={company} lastOwner={lastOwner} />
        </>
      ) : null}
    </section>
  );
}
