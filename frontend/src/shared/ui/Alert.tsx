import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { describeError, type FormMessage } from '../forms/form';

/** Form-level message, announced by screen readers (role=alert for errors, status otherwise). */
export function Alert({ message, kind = 'error', children }: { message?: FormMessage | null; kind?: 'error' | 'success' | 'info'; children?: ReactNode }) {
  const { t } = useI18n();
  const text = message?.text;
  if (!text && !children) return <div className="alert-slot" role={kind === 'error' ? 'alert' : 'status'} />;
  return (
    <div className={`alert alert--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text ? <p>{text}</p> : null}
      {message?.requestId && !text?.includes(message.requestId) ? <p className="alert__id">{t('error.requestId', { id: message.requestId })}</p> : null}
      {children}
    </div>
  );
}

export function SubmitButton({ busy, label, busyLabel }: { busy: boolean; label: string; busyLabel: string }) {
  return (
    <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {busy ? busyLabel : label}
    </button>
  );
}

/** A read that failed: why, in the app's words, and a way to try again. */
export function QueryError({ error, retry }: { error: unknown; retry: () => unknown }) {
  const { t } = useI18n();
  return (
    <Alert message={describeError(error, t)}>
      <button type="button" className="button" onClick={() => void retry()}>
        {t('banner.retry')}
      </button>
    </Alert>
  );
}
