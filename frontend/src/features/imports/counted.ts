import type { MessageKey } from '@/shared/i18n/es';
import type { Translate } from '@/shared/i18n/i18n';

/** A count in words: the text for exactly one, else the other with `{n}` ("1 línea", "14 líneas"). */
export function counted(t: Translate, n: number, one: MessageKey, other: MessageKey): string {
  return n === 1 ? t(one) : t(other, { n });
}
