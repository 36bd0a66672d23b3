import type { AnalyticsMeta, Metric } from '@/shared/api/types';
import { useI18n } from '@/shared/i18n/i18n';

/** Why the metric shown is empty somewhere (the answer's `meta.notes`), in the app's words. */
export function Notes({ meta, metric }: { meta: AnalyticsMeta; metric: Metric }) {
  const { t } = useI18n();
  const notes = meta.notes.filter((note) => note.metric === metric);
  if (notes.length === 0) return null;
  return (
    <ul className="dash-notes">
      {notes.map((note) => (
        <li key={note.reason}>{t(`dashboard.note.${note.reason}`, { metric: t(`dashboard.metric.${note.metric}`) })}</li>
      ))}
    </ul>
  );
}
