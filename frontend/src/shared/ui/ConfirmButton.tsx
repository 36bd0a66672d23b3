import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

interface ConfirmButtonProps {
  label: string;
  /** What will happen, asked before it does: "Remove Ana from the team?". */
  question: string;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  onConfirm: () => void;
  disabled?: boolean;
}

/**
 * A destructive action in two steps, in place: the button, then the question with "yes" and "cancel" (no
 * pop-up, which a phone's keyboard and a screen reader handle worse). Focus moves to the question.
 */
export function ConfirmButton({ label, question, confirmLabel, busyLabel, busy, onConfirm, disabled }: ConfirmButtonProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) questionRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="button button--danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm">
      <p ref={questionRef} tabIndex={-1}>
        {question}
      </p>
      <div className="actions">
        <button type="button" className="button button--danger" disabled={busy} aria-busy={busy} onClick={onConfirm}>
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setAsking(false)}>
          {t('action.cancel')}
        </button>
      </div>
    </div>
  );
}
