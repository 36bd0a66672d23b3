// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { registerTexts, translator } from '@/shared/i18n/i18n';
import { periodLabel, periodTick } from './labels';
import { dashboardEn, dashboardEs } from './messages';

// The page registers them when its chunk comes.
registerTexts({ es: dashboardEs, en: dashboardEn });

const es = translator('es');
const en = translator('en');

describe('the names of a period', () => {
  it('in full, for tables and under the cursor', () => {
    expect(periodLabel('2026-11-03', 'day', es, 'es-CL')).toBe('03-11-2026');
    expect(periodLabel('2026-10-26', 'week', es, 'es-CL')).toBe('Semana del 26-10-2026');
    expect(periodLabel('2026-11-01', 'month', es, 'es-CL')).toBe('noviembre de 2026');
    expect(periodLabel('2026-10-01', 'quarter', es, 'es-CL')).toBe('T4 2026');
    expect(periodLabel('2026-04-01', 'quarter', en, 'en')).toBe('Q2 2026');
    expect(periodLabel('2026-01-01', 'year', en, 'en')).toBe('2026');
  });

  it('short, on the axis', () => {
    expect(periodTick('2026-11-03', 'day', es, 'es-CL')).toBe('03-11');
    expect(periodTick('2026-10-26', 'week', en, 'en')).toBe('26-10');
    expect(periodTick('2026-11-01', 'month', en, 'en')).toBe('Nov 2026');
    expect(periodTick('2026-01-01', 'quarter', es, 'es-CL')).toBe('T1 2026');
    expect(periodTick('2026-01-01', 'year', es, 'es-CL')).toBe('2026');
  });
});
