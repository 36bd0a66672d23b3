// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { toProblem } from '../api/problem';
import type { FieldError, FieldErrorCode, Problem } from '../api/types';
import { dictionaries, translator, type Lang } from './i18n';
import { fieldErrorText, linkProblemText, problemText, waitText } from './problems';

const langs: Lang[] = ['es', 'en'];
const DETAIL = 'SERVER DETAIL in English';
const MESSAGE = 'SERVER MESSAGE, e.g. Input should be less than or equal to 10000';

function problem(slug: string, status: number, extra: Partial<Problem> = {}): Problem {
  return { type: `https://ayni.app/problems/${slug}`, title: 'Title', status, detail: DETAIL, ...extra };
}

function fieldError(code: string, limit?: number): FieldError {
  return { field: 'body.x', message: MESSAGE, code, ...(limit === undefined ? {} : { limit }) };
}

/** Every problem the API sends (grep `Problem(` in ayni/), with its status and the app's text in each language. */
const SLUGS: [slug: string, status: number, es: string, en: string][] = [
  ['invalid-credentials', 401, 'El correo o la contraseña no son correctos.', 'The email or the password is not correct.'],
  ['email-not-verified', 403, 'Tu correo aún no está confirmado: abre el enlace que te enviamos.', 'Your email is not confirmed yet: open the link we sent you.'],
  ['account-disabled', 403, 'Esta cuenta está desactivada. Si crees que es un error, escríbenos.', 'This account is disabled. If you think this is a mistake, contact us.'],
  ['email-taken', 409, 'Ya existe una cuenta con este correo. Ingresa o recupera tu contraseña.', 'An account with this email already exists. Sign in or recover your password.'],
  ['token-used', 400, 'Este enlace ya se usó. Pide uno nuevo.', 'This link was already used. Ask for a new one.'],
  ['token-expired', 400, 'Este enlace expiró. Pide uno nuevo.', 'This link has expired. Ask for a new one.'],
  ['invalid-token', 400, 'Este enlace no es válido. Pide uno nuevo.', 'This link is not valid. Ask for a new one.'],
  ['invalid-token', 401, 'Tu sesión terminó. Ingresa de nuevo.', 'Your session ended. Please sign in again.'],
  ['not-authenticated', 401, 'Ingresa para continuar.', 'Sign in to continue.'],
  ['invalid-request', 400, 'Tu sesión terminó. Ingresa de nuevo.', 'Your session ended. Please sign in again.'],
  ['validation-error', 422, 'Revisa los datos e intenta de nuevo.', 'Check the data and try again.'],
  ['malformed-body', 400, 'Esta página está desactualizada. Recárgala e intenta de nuevo.', 'This page is out of date. Reload it and try again.'],
  ['unsupported-media-type', 415, 'Esta página está desactualizada. Recárgala e intenta de nuevo.', 'This page is out of date. Reload it and try again.'],
  ['method-not-allowed', 405, 'Esta página está desactualizada. Recárgala e intenta de nuevo.', 'This page is out of date. Reload it and try again.'],
  ['invalid-cursor', 400, 'La lista cambió mientras la recorrías. Vuelve a su comienzo.', 'The list changed while you were going through it. Go back to its start.'],
  ['not-found', 404, 'No encontramos lo que buscas. Puede que ya no exista.', 'We could not find what you are looking for. It may no longer exist.'],
  ['body-too-large', 413, 'Lo que enviaste es demasiado grande.', 'What you sent is too large.'],
  ['cors-refused', 403, 'Esta dirección no está autorizada para usar Ayni. Ábrelo desde su dirección habitual.', 'This address may not use Ayni. Open Ayni from its usual address.'],
  ['service-unavailable', 503, 'Ayni no está disponible en este momento. Intenta de nuevo en unos segundos.', 'Ayni is unavailable right now. Try again in a few seconds.'],
  ['rut-taken', 409, 'Ya existe una empresa con este RUT. Revisa el número.', 'A company with this RUT already exists. Check the number.'],
  ['code-taken', 409, 'Otro local de esta empresa ya tiene este código. Elige otro.', 'Another location of this company already has this code. Choose another.'],
  ['last-owner', 409, 'La empresa debe tener al menos un dueño: nombra primero a otro miembro como dueño.', 'The company must keep at least one owner: make another member an owner first.'],
  ['already-member', 409, 'Esta persona ya es miembro de la empresa.', 'This person is already a member of the company.'],
  ['wrong-account', 403, 'Esta invitación es para otro correo. Ingresa con la cuenta de ese correo.', 'This invitation is for another email address. Sign in with that account.'],
  ['duplicate-import', 409, 'Ya subiste este mismo archivo.', 'You uploaded this same file before.'],
  ['empty-file', 422, 'El archivo está vacío. Elige el archivo que exportó tu punto de venta.', 'The file is empty. Choose the file your point of sale exported.'],
  ['import-not-ready', 409, 'Esta carga ya no espera revisión: puede que alguien la haya iniciado o descartado. Mira su estado.', 'This import is no longer waiting for review: someone may have started or discarded it. See its status.'],
  ['import-busy', 409, 'Esta carga se está procesando. Espera a que termine e intenta de nuevo.', 'This import is being processed. Wait until it is done and try again.'],
  ['forbidden', 403, 'No tienes permiso para hacer esto.', 'You are not allowed to do this.'],
  ['too-many-attempts', 429, 'Demasiados intentos. Espera 15 minutos e intenta de nuevo.', 'Too many attempts. Wait 15 minutes and try again.'],
  ['too-many-requests', 429, 'Pediste demasiadas tareas en poco tiempo. Espera 15 minutos e intenta de nuevo.', 'You asked for too many tasks in a short time. Wait 15 minutes and try again.'],
  ['internal-error', 500, 'El servicio tiene problemas. Intenta de nuevo en unos minutos; si se repite, escríbenos con este código: req-1', 'The service is having trouble. Try again in a few minutes; if it happens again, contact us with this code: req-1'],
  ['unknown-actor', 500, 'El servicio tiene problemas. Intenta de nuevo en unos minutos; si se repite, escríbenos con este código: req-1', 'The service is having trouble. Try again in a few minutes; if it happens again, contact us with this code: req-1'],
  ['http-error', 400, 'Revisa los datos e intenta de nuevo.', 'Check the data and try again.'],
];

/** Every field-error code, with a limit where the API gives one, and the app's text in each language. */
const CODES: [code: FieldErrorCode, limit: number | undefined, es: string, en: string][] = [
  ['required', undefined, 'Este campo es obligatorio.', 'This field is required.'],
  ['not-allowed', undefined, 'Este dato no se acepta aquí.', 'This value is not accepted here.'],
  ['invalid-type', undefined, 'Este dato no tiene el formato esperado.', 'This value does not have the expected format.'],
  ['too-short', 1, 'Debe tener al menos 1 caracteres.', 'It must have at least 1 characters.'],
  ['too-long', 200, 'Puede tener como máximo 200 caracteres.', 'It can have at most 200 characters.'],
  ['too-small', 0, 'Debe ser al menos 0.', 'It must be at least 0.'],
  ['too-large', 10000, 'Puede ser como máximo 10.000.', 'It can be at most 10,000.'],
  ['invalid-email', undefined, 'Escribe un correo válido, por ejemplo nombre@empresa.cl.', 'Enter a valid email, for example name@company.com.'],
  ['invalid-value', undefined, 'Este valor no es válido.', 'This value is not valid.'],
  ['password-too-short', 8, 'La contraseña debe tener al menos 8 caracteres.', 'The password must have at least 8 characters.'],
  ['password-too-long', 1024, 'La contraseña puede tener como máximo 1.024 caracteres.', 'The password can have at most 1,024 characters.'],
  ['password-is-email', undefined, 'La contraseña no puede ser tu correo.', 'The password cannot be your email address.'],
  ['password-is-email-name', undefined, 'La contraseña no puede ser la parte de tu correo antes de la @.', 'The password cannot be the part of your email address before the @.'],
  ['password-too-common', undefined, 'Esta contraseña es demasiado común; elige otra.', 'This password is too common; choose another.'],
  ['password-incorrect', undefined, 'La contraseña actual no es correcta.', 'The current password is not correct.'],
  ['invalid-rut', undefined, 'Escribe un RUT válido, por ejemplo 12.345.678-5.', 'Enter a valid RUT, for example 12.345.678-5.'],
];

describe('problem types in the app language', () => {
  it.each(SLUGS)('%s (%i) has its own text in Spanish and English, never the detail', (slug, status, es, en) => {
    const p = problem(slug, status, { instance: 'req-1' });
    expect(problemText(p, 900, translator('es'))).toBe(es);
    expect(problemText(p, 900, translator('en'))).toBe(en);
  });

  it('an unknown problem type falls back to a text for its status, never the detail', () => {
    const fallback: [status: number, en: string][] = [
      [400, 'Check the data and try again.'],
      [422, 'Check the data and try again.'],
      [401, 'Your session ended. Please sign in again.'],
      [403, 'You are not allowed to do this.'],
      [404, 'We could not find what you are looking for. It may no longer exist.'],
      [409, 'This changed while you were editing it. Reload the page and try again.'],
      [413, 'What you sent is too large.'],
      [431, 'What you sent is too large.'],
      [415, 'This page is out of date. Reload it and try again.'],
      [429, 'Too many attempts. Wait 12 seconds and try again.'],
      [500, 'The service is having trouble. Try again in a few minutes.'],
      [502, 'The service is having trouble. Try again in a few minutes.'],
      [418, 'Something went wrong. Please try again.'],
    ];
    const t = translator('en');
    for (const [status, text] of fallback) {
      expect(problemText(problem('something-new', status), 12, t), String(status)).toBe(text);
      expect(problemText(toProblem({ detail: DETAIL }, status, 'Status text', null), 12, t), String(status)).toBe(text);
    }
    expect(problemText(problem('constructor', 400), null, t)).toBe('Check the data and try again.');
    const foreign = { ...problem('invalid-credentials', 401), type: 'https://proxy.example/problems/invalid-credentials' };
    expect(problemText(foreign, null, t)).toBe('Your session ended. Please sign in again.');
    expect(problemText(problem('internal-error', 500), null, translator('es'))).toBe(
      'El servicio tiene problemas. Intenta de nuevo en unos minutos.',
    );
  });

  it('a 429 says how long to wait: seconds, whole minutes rounded up, or a moment', () => {
    const es = translator('es');
    const en = translator('en');
    const tooMany = problem('too-many-attempts', 429);
    expect(problemText(tooMany, 1, en)).toBe('Too many attempts. Wait 1 second and try again.');
    expect(problemText(tooMany, 59, es)).toBe('Demasiados intentos. Espera 59 segundos e intenta de nuevo.');
    expect(problemText(tooMany, 60, es)).toBe('Demasiados intentos. Espera 1 minuto e intenta de nuevo.');
    expect(problemText(tooMany, 61, en)).toBe('Too many attempts. Wait 2 minutes and try again.');
    expect(problemText(tooMany, null, es)).toBe('Demasiados intentos. Espera un momento e intenta de nuevo.');
    expect(problemText(problem('too-many-requests', 429), 0, en)).toBe(
      'You asked for too many tasks in a short time. Wait a moment and try again.',
    );
    for (const seconds of [1, 2, 30, 59, 60, 61, 119, 120, 899, 900, 3600]) {
      const minutes = /(\d+) minutes?/.exec(waitText(seconds, en));
      // Never tells the user to come back before the API allows it.
      if (minutes) expect(Number(minutes[1]) * 60).toBeGreaterThanOrEqual(seconds);
      else expect(waitText(seconds, en)).toBe(seconds === 1 ? '1 second' : `${seconds} seconds`);
    }
  });

  it('an email link problem names what is wrong with the link, else the page says its own text', () => {
    const t = translator('es');
    expect(linkProblemText(problem('token-expired', 400), 'verify.invalid', t)).toBe('Este enlace expiró. Pide uno nuevo.');
    expect(linkProblemText(problem('validation-error', 422), 'verify.invalid', t)).toBe('Este enlace no es válido o ya expiró.');
    expect(linkProblemText(problem('invalid-token', 401), 'reset.invalid', t)).toBe('Este enlace no es válido o ya expiró.');
    expect(linkProblemText(undefined, 'reset.invalid', t)).toBe('Este enlace no es válido o ya expiró.');
  });
});

describe('field errors in the app language', () => {
  it.each(CODES)('%s has its own text in Spanish and English, never the message', (code, limit, es, en) => {
    expect(fieldErrorText(fieldError(code, limit), translator('es'))).toBe(es);
    expect(fieldErrorText(fieldError(code, limit), translator('en'))).toBe(en);
  });

  it('an unknown code, no code, or a limit rule without its limit falls back to a generic text', () => {
    for (const lang of langs) {
      const generic = dictionaries[lang]['fieldError.generic'];
      const t = translator(lang);
      for (const error of [fieldError('a-code-from-tomorrow'), fieldError(''), fieldError('toString'), fieldError('too-long')]) {
        expect(fieldErrorText(error, t)).toBe(generic);
      }
    }
  });
});

/** mulberry32: a small seeded generator, so the property below runs the same cases every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A dictionary text as a pattern: its holes match anything. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{\w+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`, 's');
}

describe('no server text reaches the user (property over generated problems)', () => {
  it('every text comes from the dictionary and holds neither detail, title nor message', () => {
    const next = random(20261130);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const slugs = [...SLUGS.map(([s]) => s), 'about:blank', 'x', '', '__proto__', 'validation-error/extra'];
    const codes = [...CODES.map(([c]) => c), 'unknown', '', 'hasOwnProperty'];
    for (const lang of langs) {
      const t = translator(lang);
      const patterns = Object.values(dictionaries[lang]).map(templatePattern);
      for (let i = 0; i < 500; i += 1) {
        const marker = `SERVER-${i}-${Math.floor(next() * 1e9)}`;
        const status = 400 + Math.floor(next() * 200);
        const body = {
          type: `https://ayni.app/problems/${pick(slugs)}`,
          title: `${marker} title`,
          status,
          detail: `${marker} detail`,
          errors: [{ field: 'body.x', message: `${marker} message`, code: pick(codes), limit: next() < 0.5 ? Math.floor(next() * 1e6) : 'x' }],
        };
        const p = toProblem(body, status, `${marker} status text`, null);
        const retryAfter = next() < 0.5 ? null : Math.floor(next() * 5000);
        const texts = [problemText(p, retryAfter, t), ...(p.errors ?? []).map((e) => fieldErrorText(e, t))];
        for (const text of texts) {
          expect(text).not.toContain(marker);
          expect(text).not.toMatch(/\{\w+\}/);
          expect(patterns.some((pattern) => pattern.test(text)), text).toBe(true);
        }
      }
    }
  });
});
