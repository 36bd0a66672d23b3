// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, readView, viewRange, writeView, type View } from './view';

const read = (search: string) => readView(new URLSearchParams(search));

describe('the view in the URL', () => {
  it('is the default view with no query string, and writes none for it', () => {
    expect(read('')).toEqual(DEFAULT_VIEW);
    expect(writeView(DEFAULT_VIEW).toString()).toBe('');
  });

  it('writes what differs from the default and reads it back', () => {
    const view: View = {
      period: { preset: 'custom', range: { from: '2024-02-29', to: '2025-02-28' } },
      locations: ['l2', 'l1'],
      compare: 'previous_year',
      metric: 'avg_ticket',
      grain: 'week',
      top: 20,
      year: 2024,
    };
    const search = writeView(view).toString();
    expect(search).toBe('period=custom&from=2024-02-29&to=2025-02-28&location=l2&location=l1&compare=previous_year&metric=avg_ticket&grain=week&top=20&year=2024');
    expect(read(search)).toEqual(view);
    expect(read(writeView({ ...DEFAULT_VIEW, period: { preset: 'last-year' } }).toString()).period).toEqual({ preset: 'last-year' });
  });

  it('falls back to the default for anything a hand-edited link gets wrong', () => {
    expect(read('period=fortnight&compare=last_week&metric=profit&grain=hour&top=15&year=20x5')).toEqual(DEFAULT_VIEW);
    expect(read('year=1900').year).toBeNull();
    expect(read('year=2999').year).toBe(2999);
    // A custom period needs two real dates in order, under 5 years.
    expect(read('period=custom&from=2025-02-30&to=2025-03-10').period).toEqual({ preset: 'last-30' });
    expect(read('period=custom&from=2025-03-10&to=2025-03-01').period).toEqual({ preset: 'last-30' });
    expect(read('period=custom&from=2020-01-01&to=2025-01-01').period).toEqual({ preset: 'last-30' });
    expect(read('period=custom&from=2025-03-01').period).toEqual({ preset: 'last-30' });
    expect(read('location=a&location=&location=a&location=b').locations).toEqual(['a', 'b']);
  });

  it("covers the preset's days on the company's today, or the custom ones", () => {
    expect(viewRange({ preset: 'last-7' }, '2026-12-01')).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    expect(viewRange({ preset: 'custom', range: { from: '2025-01-01', to: '2025-01-31' } }, '2026-12-01')).toEqual({ from: '2025-01-01', to: '2025-01-31' });
  });
});
