import type { ImportStatus } from '@/shared/api/types';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';

const STATUS: Record<ImportStatus, { text: MessageKey; tone: string }> = {
  analyzing: { text: 'imports.status.analyzing', tone: '' },
  ready: { text: 'imports.status.ready', tone: 'badge--degraded' },
  importing: { text: 'imports.status.importing', tone: '' },
  succeeded: { text: 'imports.status.succeeded', tone: 'badge--healthy' },
  failed: { text: 'imports.status.failed', tone: 'badge--unhealthy' },
  reverting: { text: 'imports.status.reverting', tone: '' },
  reverted: { text: 'imports.status.reverted', tone: '' },
};

/** An import's status, in words and colour (waiting for the user: amber; loaded: green; failed: red). */
export function StatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge ${STATUS[status].tone}`} data-status={status}>
      {t(STATUS[status].text)}
    </span>
  );
}
