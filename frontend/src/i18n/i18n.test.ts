import { describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';
import { detectLang, dictionaries, format } from './i18n';

describe('i18n', () => {
  it('every language has every key, none empty, with the same placeholders', () => {
    for (const dict of Object.values(dictionaries)) {
      expect(Object.keys(dict).sort()).toEqual(Object.keys(es).sort());
      for (const [key, value] of Object.entries(dict)) {
        expect(value, key).not.toBe('');
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(value), key).toEqual(holes(es[key as keyof typeof es]));
      }
    }
    expect(en['signIn.title']).toBe('Sign in to Ayni');
  });

  it('picks the saved language, else the browser one, else Spanish', () => {
    expect(detectLang(['en-US'], 'es')).toBe('es');
    expect(detectLang(['fr-FR', 'en-GB'], null)).toBe('en');
    expect(detectLang(['es-CL', 'en'], null)).toBe('es');
    expect(detectLang(['de'], null)).toBe('es');
    expect(detectLang(['en'], 'xx')).toBe('en');
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(format('Hola, {name} {x}', { name: 'Ana' })).toBe('Hola, Ana {x}');
    expect(format('plain')).toBe('plain');
  });
});
