import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { PASSWORD_MIN } from '../forms/validation';

interface LabelledProps {
  label: string;
  error?: string;
  hint?: string;
  optional?: boolean;
}

export interface FieldProps extends LabelledProps {
  name: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  required?: boolean;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  autoFocus?: boolean;
  /** Values the browser offers as the user types (a datalist): a long list searched by typing. */
  suggestions?: readonly string[];
}

/** What a control needs to be tied to its label, hint and error. */
interface ControlIds {
  id: string;
  describedBy: string | undefined;
  invalid: true | undefined;
}

/** Label, control, hint and error of one field; the error (a live region) and the hint are tied with aria-describedby. */
function Labelled({ label, error, hint, optional, children }: LabelledProps & { children: (ids: ControlIds) => ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="field__optional"> {t('field.optional')}</span> : null}
      </label>
      <div className="field__control">{children({ id, describedBy, invalid: error ? true : undefined })}</div>
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

/** A labelled input. */
export function Field({ name, value, onChange, onBlur, type = 'text', autoComplete, required, autoFocus, suggestions, ...labelled }: FieldProps) {
  const { t } = useI18n();
  const [reveal, setReveal] = useState(false);
  const isPassword = type === 'password';
  return (
    <Labelled {...labelled}>
      {({ id, describedBy, invalid }) => (
        <>
          <input
            id={id}
            name={name}
            type={isPassword && reveal ? 'text' : type}
            value={value}
            autoComplete={autoComplete}
            required={required}
            autoFocus={autoFocus}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            list={suggestions ? `${id}-list` : undefined}
            spellCheck={type === 'text' ? undefined : false}
            autoCapitalize={type === 'text' ? undefined : 'none'}
            onChange={(e) => onChange(e.target.value)}
            onBlur={onBlur}
          />
          {suggestions ? (
            <datalist id={`${id}-list`}>
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          ) : null}
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
        </>
      )}
    </Labelled>
  );
}

export interface Option {
  value: string;
  label: string;
}

export interface SelectFieldProps extends LabelledProps {
  name: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  required?: boolean;
  options: readonly Option[];
  /** The first, empty choice ("Choose an industry"), for a value that has none yet. */
  placeholder?: string;
}

/** A labelled select. */
export function SelectField({ name, value, onChange, onBlur, options, placeholder, required, ...labelled }: SelectFieldProps) {
  return (
    <Labelled {...labelled}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          name={name}
          value={value}
          required={required}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Labelled>
  );
}

/** A checkbox with its label beside it and an optional hint below. */
export function CheckboxField({ name, label, hint, checked, onChange }: { name: string; label: string; hint?: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field--check">
      <input id={id} name={name} type="checkbox" checked={checked} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A new password: the browser may suggest one, and the hint states the only rule (its length). */
export function NewPasswordField(props: Omit<FieldProps, 'type' | 'autoComplete' | 'hint' | 'required'>) {
  const { t } = useI18n();
  return <Field {...props} type="password" autoComplete="new-password" hint={t('field.passwordHint', { min: PASSWORD_MIN })} required />;
}
