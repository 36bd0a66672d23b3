import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { PASSWORD_MIN } from '../forms/validation';

export interface FieldProps {
  name: string;
  label: string;
  value: string;
  error?: string;
  hint?: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  required?: boolean;
  optional?: boolean;
  autoFocus?: boolean;
}

/** A labelled input; its error (role=alert via the live region) and hint are tied with aria-describedby. */
export function Field({ name, label, value, error, hint, onChange, onBlur, type = 'text', autoComplete, required, optional, autoFocus }: FieldProps) {
  const { t } = useI18n();
  const id = useId();
  const [reveal, setReveal] = useState(false);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hintId].filter(Boolean).join(' ') || undefined;
  const isPassword = type === 'password';
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="field__optional"> {t('field.optional')}</span> : null}
      </label>
      <div className="field__control">
        <input
          id={id}
          name={name}
          type={isPassword && reveal ? 'text' : type}
          value={value}
          autoComplete={autoComplete}
          required={required}
          autoFocus={autoFocus}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          spellCheck={type === 'text' ? undefined : false}
          autoCapitalize={type === 'text' ? undefined : 'none'}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
        />
        {isPassword ? (
          <button
            type="button"
            className="field__reveal"
            aria-pressed={reveal}
            aria-controls={id}
            onClick={() => setReveal((r) => !r)}
          >
            {reveal ? t('field.hidePassword') : t('field.showPassword')}
          </button>
        ) : null}
      </div>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      <p id={errorId} className="field__error" aria-live="polite">
        {error ?? ''}
      </p>
    </div>
  );
}

/** A new password: the browser may suggest one, and the hint states the only rule (its length). */
export function NewPasswordField(props: Omit<FieldProps, 'type' | 'autoComplete' | 'hint' | 'required'>) {
  const { t } = useI18n();
  return <Field {...props} type="password" autoComplete="new-password" hint={t('field.passwordHint', { min: PASSWORD_MIN })} required />;
}
