import { useCallback, useRef, useState, type FormEvent } from 'react';
import { ApiError, NetworkError, SessionExpiredError, splitFieldErrors } from '../api/problem';
import type { Translate } from '../i18n/i18n';

export type Values<K extends string> = Record<K, string>;
export type Errors<K extends string> = Partial<Record<K, string>>;

/** A form-level message: text plus, for server errors, the request id to quote. */
export interface FormMessage {
  text: string;
  requestId?: string;
}

/** The message to show for an error that no field claims. */
export function describeError(error: unknown, t: Translate): FormMessage {
  if (error instanceof NetworkError) return { text: t('error.offline') };
  if (error instanceof SessionExpiredError) return { text: t('error.sessionExpired') };
  if (error instanceof ApiError) {
    const { problem } = error;
    if (problem.status === 429) {
      return { text: error.retryAfter ? t('error.tooMany', { seconds: error.retryAfter }) : t('error.tooManyNoTime') };
    }
    if (problem.status >= 500) {
      const id = problem.instance ?? '—';
      return { text: problem.detail ?? t('error.server', { id }), requestId: problem.instance };
    }
    return { text: problem.detail ?? problem.title };
  }
  return { text: t('error.generic') };
}

interface FormOptions<K extends string> {
  initial: Values<K>;
  validate: (values: Values<K>) => Errors<K>;
  onSubmit: (values: Values<K>) => Promise<void>;
  t: Translate;
}

/**
 * Small form state: validates as the user types (a field shows its error once it was left or the
 * form was submitted), maps problem+json `errors[]` onto fields, and ignores a second submit while
 * one is running.
 */
export function useForm<K extends string>({ initial, validate, onSubmit, t }: FormOptions<K>) {
  const [values, setValues] = useState<Values<K>>(initial);
  const [touched, setTouched] = useState<Partial<Record<K, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Errors<K>>({});
  const [formError, setFormError] = useState<FormMessage | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);

  const clientErrors = validate(values);
  const names = Object.keys(initial) as K[];

  const errorFor = (name: K): string | undefined =>
    serverErrors[name] ?? (touched[name] || submitted ? clientErrors[name] : undefined);

  const setValue = useCallback((name: K, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setServerErrors((e) => (name in e ? (Object.fromEntries(Object.entries(e).filter(([k]) => k !== name)) as Errors<K>) : e));
  }, []);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const focusFirstInvalid = (errs: Errors<K>) => {
      const first = names.find((n) => errs[n]);
      if (first) formEl.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    };
    if (busy.current) return;
    setSubmitted(true);
    setFormError(null);
    if (names.some((n) => clientErrors[n])) {
      setFormError({ text: t('validation.fixErrors') });
      focusFirstInvalid(clientErrors);
      return;
    }
    busy.current = true;
    setSubmitting(true);
    try {
      await onSubmit(values);
    } catch (error) {
      if (error instanceof ApiError) {
        const { fields, rest } = splitFieldErrors(error.problem, names);
        setServerErrors(fields as Errors<K>);
        const generic = describeError(error, t);
        const text = rest.length > 0 ? rest.join(' ') : generic.text;
        if (Object.keys(fields).length > 0 && rest.length === 0) {
          setFormError({ text: t('validation.fixErrors') });
          focusFirstInvalid(fields as Errors<K>);
        } else {
          setFormError({ ...generic, text });
        }
      } else {
        setFormError(describeError(error, t));
      }
    } finally {
      busy.current = false;
      setSubmitting(false);
    }
  };

  const field = (name: K) => ({
    name,
    value: values[name],
    error: errorFor(name),
    onChange: (value: string) => setValue(name, value),
    onBlur: () => setTouched((tc) => (tc[name] ? tc : { ...tc, [name]: true })),
  });

  return { values, setValue, field, handleSubmit, submitting, formError, setFormError };
}
