import { describe, expect, it } from 'vitest';
import { en } from '@/shared/i18n/en';
import { es } from '@/shared/i18n/es';
import { lazyTexts } from '@/test/texts';

const holes = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();

describe('the texts of every page', () => {
  const groups: Record<string, { es: Partial<Record<string, string>>; en: Partial<Record<string, string>> }> = {
    core: { es, en },
    ...lazyTexts,
  };

  it.each(Object.keys(groups))('%s: English has exactly the Spanish keys, none empty, with the same placeholders', (name) => {
    const { es: spanish, en: english } = groups[name]!;
    expect(Object.keys(english).sort()).toEqual(Object.keys(spanish).sort());
    for (const [key, text] of Object.entries(english)) {
      expect(text, key).not.toBe('');
      expect(spanish[key], key).not.toBe('');
      expect(holes(text ?? ''), key).toEqual(holes(spanish[key] ?? ''));
    }
  });

  it('no key belongs to two groups: a page registering its texts never overwrites another one', () => {
    const seen = new Map<string, string>();
    for (const [name, { es: spanish }] of Object.entries(groups)) {
      for (const key of Object.keys(spanish)) {
        expect(seen.get(key), `${key} in ${name}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});
