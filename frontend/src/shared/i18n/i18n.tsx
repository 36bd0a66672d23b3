import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { es, type MessageKey } from './es';

export type Lang = 'es' | 'en';
/** Each language's texts: those of the first load, and those of each page's chunk once it has come. */
export const dictionaries: Record<Lang, Partial<Record<MessageKey, string>>> = { es: { ...es }, en: { ...en } };

/** A feature's texts in every language (its messages.ts types the others by the Spanish keys). */
export type Texts = Record<Lang, Partial<Record<MessageKey, string>>>;

/**
 * Adds a feature's texts, when its chunk comes: a page loaded on its own (App's lazyPage) registers them as its
 * module is evaluated, before anything of it renders.
 */
export function registerTexts(texts: Texts): void {
  for (const lang of Object.keys(texts) as Lang[]) Object.assign(dictionaries[lang], texts[lang]);
}
const STORAGE_KEY = 'ayni.lang';

/** The saved choice, else the first of the browser's languages we speak, else Spanish (Chile). */
export function detectLang(languages: readonly string[] = navigator.languages, saved: string | null = readSaved()): Lang {
  if (saved === 'es' || saved === 'en') return saved;
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'es';
}

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export type Params = Record<string, string | number>;

/** Fills {name} holes; numbers are written the locale's way (10.000 in es-CL, 10,000 in en). */
export function format(template: string, params?: Params, locale?: string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    if (!Object.hasOwn(params, name)) return match;
    const value = params[name];
    return typeof value === 'number' ? value.toLocaleString(locale) : String(value);
  });
}

export type Translate = (key: MessageKey, params?: Params) => string;

export const locales: Record<Lang, string> = { es: 'es-CL', en: 'en' };

/** `t` for one language: its dictionary, numbers written its way (a text not registered shows its key). */
export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, params) => format(dict[key] ?? key, params, locales[lang]);
}

interface I18n {
  lang: Lang;
  locale: string;
  t: Translate;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? detectLang());
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  const locale = locales[lang];
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => ({ lang, locale, setLang, t: translator(lang) }), [lang, locale, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
