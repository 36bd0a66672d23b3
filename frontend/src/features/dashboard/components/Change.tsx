import type { Metric } from '@/shared/api/types';
import { formatPercent } from '@/shared/format';
import { useI18n } from '@/shared/i18n/i18n';
import { changeTone, direction } from '../metrics';

const ARROW = { up: '▲', down: '▼', flat: '▬' } as const;

/**
 * A change against the comparison: an arrow and words ("▲ Sube 6,9 %"), so the direction never rests on colour
 * alone; the colour says whether it is good news for this metric (returns going up is not). Nothing when there is
 * no comparison; "nothing to compare with" when the comparison had zero.
 */
export function Change({ metric, changePct, previous }: { metric: Metric; changePct: number | null; previous: number | null }) {
  const { t, locale } = useI18n();
  if (previous === null) return null;
  if (changePct === null) return <span className="dash-change">{t('dashboard.change.noBase')}</span>;
  const way = direction(changePct);
  const pct = formatPercent(Math.abs(changePct), locale);
  return (
    <span className="dash-change" data-tone={changeTone(metric, way)}>
      <span aria-hidden="true">{ARROW[way]} </span>
      {way === 'flat' ? t('dashboard.change.flat') : t(way === 'up' ? 'dashboard.change.up' : 'dashboard.change.down', { pct })}
    </span>
  );
}
