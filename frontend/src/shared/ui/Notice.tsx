import { useLocation, useNavigate } from 'react-router';
import type { MessageKey } from '../i18n/es';
import { dictionaries, useI18n, type Params } from '../i18n/i18n';

interface Notice {
  key: MessageKey;
  params?: Params;
}

/**
 * What happened, told on the page the user is sent to (the company deleted, the demo being filled): the
 * navigation's state carries it, `navigate(to, { state: withNotice('settings.delete.done', { company }) })`.
 * Kept as a key, not a text, so it follows a change of language.
 */
export function withNotice(key: MessageKey, params?: Params): { notice: Notice } {
  return { notice: { key, params } };
}

function noticeOf(state: unknown): Notice | null {
  const notice = (state as { notice?: Partial<Notice> } | null)?.notice;
  return typeof notice?.key === 'string' && Object.hasOwn(dictionaries.es, notice.key) ? (notice as Notice) : null;
}

/** The notice the last navigation carried, until the user closes it (it would outlive a reload otherwise). */
export function FlashNotice() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const notice = noticeOf(location.state);
  if (!notice) return null;
  return (
    <div className="alert alert--info notice" role="status">
      <p>{t(notice.key, notice.params)}</p>
      <button type="button" className="notice__close" aria-label={t('notice.close')} onClick={() => void navigate(location, { replace: true, state: null })}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
