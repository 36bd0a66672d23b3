import { describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';
import { detectLang, dictionaries, format, translator } from './i18n';

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
    expect(format('{constructor} {toString}', { name: 'Ana' })).toBe('{constructor} {toString}');
  });

  it('writes numbers the way the language does', () => {
    expect(format('{n} de {id}', { n: 10000, id: '10000' }, 'es-CL')).toBe('10.000 de 10000');
    expect(format('{n}', { n: 10000 }, 'en')).toBe('10,000');
    expect(translator('es')('validation.passwordLong', { limit: 1024 })).toBe('La contraseña puede tener como máximo 1.024 caracteres.');
  });
});
