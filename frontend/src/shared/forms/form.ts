import { useCallback, useRef, useState, type FormEvent } from 'react';
import { ApiError, NetworkError, SessionExpiredError, splitFieldErrors } from '../api/problem';
import type { FieldError } from '../api/types';
import type { Translate } from '../i18n/i18n';
import { fieldErrorText, problemText } from '../i18n/problems';

export type Values<K extends string> = Record<K, string>;
export type Errors<K extends string> = Partial<Record<K, string>>;

/** A form-level message: text plus, for server errors, the request id to quote. */
export interface FormMessage {
  text: string;
  requestId?: string;
}

/** The message to show for an error that no field claims, in the app's language. */
export function describeError(error: unknown, t: Translate): FormMessage {
  if (error instanceof NetworkError) return { text: t('error.offline') };
  if (error instanceof SessionExpiredError) return { text: t('error.sessionExpired') };
  if (error instanceof ApiError) {
    const text = problemText(error.problem, error.retryAfter, t);
    return error.status >= 500 && error.problem.instance ? { text, requestId: error.problem.instance } : { text };
  }
  return { text: t('error.generic') };
}

/** What the last submit met, kept as data so that its text follows a change of language. */
type Failure = { kind: 'invalid' } | { kind: 'error'; error: unknown };
interface FormOptions<K extends string> {
  initial: Values<K>;
  validate: (values: Values<K>) => Errors<K>;
  onSubmit: (values: Values<K>) => Promise<void>;
  t: Translate;
  /** Problem types (slugs) that are about one field, shown on it: `{ 'rut-taken': 'rut' }`. */
  problemFields?: Partial<Record<string, NoInfer<K>>>;
}

/** What a field's input needs from the form: `form.field(name)`. */
export interface FieldBinding {
  name: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  onBlur: () => void;
}

/**
 * Small form state: validates as the user types (a field shows its error once it was left or the
 * form was submitted), maps problem+json `errors[]` onto fields, and ignores a second submit while
 * one is running.
 */
export function useForm<K extends string>({ initial, validate, onSubmit, t, problemFields }: FormOptions<K>) {
  const [values, setValues] = useState<Values<K>>(initial);
  const [touched, setTouched] = useState<Partial<Record<K, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<K, FieldError>>>({});
  // A refusal about one field that is not a 422 (e.g. 409 rut-taken), kept as the error so its text follows the language.
  const [fieldProblem, setFieldProblem] = useState<{ name: K; error: unknown } | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);

  const clientErrors = validate(values);
  const names = Object.keys(initial) as K[];

  const formError: FormMessage | null =
    failure === null ? null : failure.kind === 'invalid' ? { text: t('validation.fixErrors') } : describeError(failure.error, t);

  const errorFor = (name: K): string | undefined => {
    if (fieldProblem?.name === name) return describeError(fieldProblem.error, t).text;
    const server = serverErrors[name];
    if (server) return fieldErrorText(server, t);
    return touched[name] || submitted ? clientErrors[name] : undefined;
  };

  const setValue = useCallback((name: K, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setServerErrors((e) => (name in e ? (Object.fromEntries(Object.entries(e).filter(([k]) => k !== name)) as typeof e) : e));
    setFieldProblem((p) => (p?.name === name ? null : p));
  }, []);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const focusFirstInvalid = (errs: Partial<Record<string, unknown>>) => {
      const first = names.find((n) => errs[n]);
      if (first) formEl.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    };
    if (busy.current) return;
    setSubmitted(true);
    setFailure(null);
    setFieldProblem(null);
    if (names.some((n) => clientErrors[n])) {
      setFailure({ kind: 'invalid' });
      focusFirstInvalid(clientErrors);
      return;
    }
    busy.current = true;
    setSubmitting(true);
    try {
      await onSubmit(values);
    } catch (error) {
      const problemField = error instanceof ApiError ? problemFields?.[error.slug] : undefined;
      if (problemField) {
        setFieldProblem({ name: problemField, error });
        setFailure({ kind: 'invalid' });
        focusFirstInvalid({ [problemField]: true });
        return;
      }
      const { fields, rest } = error instanceof ApiError ? splitFieldErrors(error.problem, names) : { fields: {}, rest: [] };
      setServerErrors(fields as Partial<Record<K, FieldError>>);
      // Every refused field is on the form: the fields say what is wrong. Else the problem says it.
      if (Object.keys(fields).length > 0 && rest.length === 0) {
        setFailure({ kind: 'invalid' });
        focusFirstInvalid(fields);
      } else {
        setFailure({ kind: 'error', error });
      }
    } finally {
      busy.current = false;
      setSubmitting(false);
    }
  };

  const field = (name: K): FieldBinding => ({
    name,
    value: values[name],
    error: errorFor(name),
    onChange: (value: string) => setValue(name, value),
    onBlur: () => setTouched((tc) => (tc[name] ? tc : { ...tc, [name]: true })),
  });

  /** The error of the last submit, for a page that offers a way out of it (a link, a resend). */
  const submitError = failure?.kind === 'error' ? failure.error : null;

  return { values, setValue, field, handleSubmit, submitting, formError, submitError };
}
