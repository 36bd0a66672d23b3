/*
 * What the API refused, in the web app's language.
 *
 * Decision (issue 10, finding 12): the web app maps problem types (the slug of `type`) and the `code` of
 * each field error to its own texts, in its own languages (es-CL, en). The API's `detail` and each field
 * error's `message` stay English, for REST clients and logs, and are never shown to the user: a problem
 * type the app does not know gets a text chosen by its status, a field code it does not know a generic
 * text for that field. Why here rather than a `detail` localized by the server from Accept-Language: the
 * app has its own language switch (which Accept-Language does not follow), the texts live beside the
 * screens that show them, and the API keeps one stable vocabulary of slugs and codes that it documents.
 */
import { problemSlug } from '../api/problem';
import type { FieldError, FieldErrorCode, Problem } from '../api/types';
import type { MessageKey } from './es';
import type { Translate } from './i18n';

/** Every problem type the API sends whose meaning is more precise than its status (ayni/, `Problem(`). */
const PROBLEM_TEXT = new Map<string, MessageKey>([
  ['invalid-credentials', 'problem.invalidCredentials'],
  ['email-not-verified', 'problem.emailNotVerified'],
  ['account-disabled', 'problem.accountDisabled'],
  ['email-taken', 'problem.emailTaken'],
  ['token-used', 'problem.tokenUsed'],
  ['token-expired', 'problem.tokenExpired'],
  ['invalid-token', 'problem.invalidToken'],
  ['not-authenticated', 'problem.notAuthenticated'],
  // A malformed Authorization header: only signing in again gives the app a good one.
  ['invalid-request', 'error.sessionExpired'],
  ['validation-error', 'problem.checkData'],
  // The app itself sent what the API cannot read: an old copy of the app, fixed by a reload.
  ['malformed-body', 'problem.reload'],
  ['unsupported-media-type', 'problem.reload'],
  ['method-not-allowed', 'problem.reload'],
  ['invalid-cursor', 'problem.invalidCursor'],
  ['not-found', 'problem.notFound'],
  ['body-too-large', 'problem.tooLarge'],
  ['cors-refused', 'problem.corsRefused'],
  ['service-unavailable', 'problem.serviceUnavailable'],
  // Companies, locations and teams.
  ['rut-taken', 'problem.rutTaken'],
  ['code-taken', 'problem.codeTaken'],
  ['last-owner', 'problem.lastOwner'],
  ['already-member', 'problem.alreadyMember'],
  ['wrong-account', 'problem.wrongAccount'],
  // Sales imports.
  ['duplicate-import', 'problem.duplicateImport'],
  ['empty-file', 'problem.emptyFile'],
  ['import-not-ready', 'problem.importNotReady'],
  ['import-busy', 'problem.importBusy'],
]);

/** The fallback for a problem type the app does not know (or `about:blank`), by status. */
const STATUS_TEXT = new Map<number, MessageKey>([
  [400, 'problem.checkData'],
  [401, 'error.sessionExpired'],
  [403, 'problem.forbidden'],
  [404, 'problem.notFound'],
  [409, 'problem.conflict'],
  [413, 'problem.tooLarge'],
  [415, 'problem.reload'],
  [422, 'problem.checkData'],
  [431, 'problem.tooLarge'],
]);

/** How long to wait, in words: seconds up to a minute, then whole minutes (rounded up: never too early). */
export function waitText(seconds: number, t: Translate): string {
  if (seconds < 60) return t(seconds === 1 ? 'time.second' : 'time.seconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return t(minutes === 1 ? 'time.minute' : 'time.minutes', { n: minutes });
}

function tooManyText(slug: string, retryAfter: number | null, t: Translate): string {
  // too-many-requests: one user's jobs; too-many-attempts (and any other 429): sign-in and email throttles.
  const jobs = slug === 'too-many-requests';
  if (!retryAfter) return t(jobs ? 'problem.tooManyRequestsNoTime' : 'error.tooManyNoTime');
  return t(jobs ? 'problem.tooManyRequests' : 'error.tooMany', { wait: waitText(retryAfter, t) });
}

/** The text for a problem, in the app's language; never the API's own words. */
export function problemText(problem: Problem, retryAfter: number | null, t: Translate): string {
  const { status } = problem;
  const slug = problemSlug(problem.type);
  if (status === 429) return tooManyText(slug, retryAfter, t);
  // The API says invalid-token both for an email link (400) and for an access or refresh token (401).
  if (status === 401 && slug === 'invalid-token') return t('error.sessionExpired');
  const key = PROBLEM_TEXT.get(slug) ?? STATUS_TEXT.get(status);
  if (key) return t(key);
  if (status >= 500) return problem.instance ? t('error.server', { id: problem.instance }) : t('error.serverNoId');
  return t('error.generic');
}

/** The problems of an email link (verification, password reset). */
const LINK_PROBLEMS = new Set(['token-used', 'token-expired', 'invalid-token']);

/** Why an email link did not work, when the API says which (used, expired, not valid); else `fallback`. */
export function linkProblemText(problem: Problem | undefined, fallback: MessageKey, t: Translate): string {
  return problem?.status === 400 && LINK_PROBLEMS.has(problemSlug(problem.type)) ? problemText(problem, null, t) : t(fallback);
}

/** Every field-error code of the API and its text; `{limit}` is the bound the value broke. */
const FIELD_TEXT: Record<FieldErrorCode, MessageKey> = {
  required: 'validation.required',
  'not-allowed': 'fieldError.notAllowed',
  'invalid-type': 'fieldError.invalidType',
  'too-short': 'fieldError.tooShort',
  'too-long': 'fieldError.tooLong',
  'too-small': 'fieldError.tooSmall',
  'too-large': 'fieldError.tooLarge',
  'invalid-email': 'validation.email',
  'invalid-value': 'fieldError.invalidValue',
  'password-too-short': 'validation.passwordShort',
  'password-too-long': 'validation.passwordLong',
  'password-is-email': 'fieldError.passwordIsEmail',
  'password-is-email-name': 'fieldError.passwordIsEmailName',
  'password-too-common': 'fieldError.passwordTooCommon',
  'password-incorrect': 'fieldError.passwordIncorrect',
  'invalid-rut': 'fieldError.invalidRut',
};
const fieldTexts = new Map<string, MessageKey>(Object.entries(FIELD_TEXT));

/** The codes the app has a text for (the OpenAPI check compares them with the API's). */
export const fieldErrorCodes: readonly string[] = [...fieldTexts.keys()];

/** The codes whose text names the limit: without one, the generic text reads better than a hole. */
const LIMITED = new Set<string>(['too-short', 'too-long', 'too-small', 'too-large', 'password-too-short', 'password-too-long']);

/** The text for one refused field, in the app's language; never the API's `message`. */
export function fieldErrorText(error: FieldError, t: Translate): string {
  const key = fieldTexts.get(error.code);
  if (!key) return t('fieldError.generic');
  if (!LIMITED.has(error.code)) return t(key);
  return error.limit === undefined ? t('fieldError.generic') : t(key, { limit: error.limit });
}
