import type { Translate } from '../i18n/i18n';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 200;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailError(value: string, t: Translate): string | undefined {
  const v = value.trim();
  if (!v) return t('validation.required');
  if (!EMAIL.test(v)) return t('validation.email');
  return undefined;
}

/** For a new password: length rules. For the current one (sign in), only "required". */
export function passwordError(value: string, t: Translate, isNew = true): string | undefined {
  if (!value) return t('validation.required');
  if (!isNew) return undefined;
  if (value.length < PASSWORD_MIN) return t('validation.passwordShort', { limit: PASSWORD_MIN });
  if (value.length > PASSWORD_MAX) return t('validation.passwordLong', { limit: PASSWORD_MAX });
  return undefined;
}

export function nameError(value: string, t: Translate, required = false): string | undefined {
  if (required && !value.trim()) return t('validation.required');
  if (value.trim().length > NAME_MAX) return t('validation.nameLong', { limit: NAME_MAX });
  return undefined;
}
