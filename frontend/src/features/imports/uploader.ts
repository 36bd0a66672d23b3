import { useCompany } from '@/shared/companies/current';
import { useMembers } from '@/shared/companies/lists';
import { useI18n } from '@/shared/i18n/i18n';

/** Who uploaded an import: a member's name (or email); someone who has left the team; or no one known yet. */
export function useUploaderName(): (userId: string | null) => string {
  const { t } = useI18n();
  const company = useCompany();
  const members = useMembers(company.id);
  return (userId) => {
    const member = members.data?.items.find((m) => m.user_id === userId);
    if (member) return member.full_name || member.email;
    return members.data ? t('imports.formerMember') : '…';
  };
}
