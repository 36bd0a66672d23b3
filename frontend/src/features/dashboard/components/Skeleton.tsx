import { useI18n } from '@/shared/i18n/i18n';
import '../dashboard.css';

/**
 * The dashboard's shape while its code or its first figures load: grey blocks where the cards and charts will be,
 * so nothing jumps when they arrive. Kept apart from the page: the app's main bundle carries it.
 */
export function DashboardSkeleton() {
  const { t } = useI18n();
  return (
    <div className="stack" data-dashboard-ready="false">
      <p className="visually-hidden" role="status">
        {t('app.loading')}
      </p>
      <div className="dash-skeleton dash-skeleton--title" />
      <div className="dash-skeleton dash-skeleton--bar" />
      <ul className="dash-kpis" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="dash-skeleton dash-skeleton--card" />
        ))}
      </ul>
      <div className="dash-skeleton dash-skeleton--block" />
    </div>
  );
}
