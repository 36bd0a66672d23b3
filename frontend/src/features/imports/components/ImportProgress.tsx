import type { ImportRecord } from '@/shared/api/types';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n } from '@/shared/i18n/i18n';
import { loadProgress, phasesOf, type Phase } from '../progress';

const PHASE_TEXT: Record<Phase, MessageKey> = {
  queued: 'imports.phase.queued',
  parsing: 'imports.phase.parsing',
  copying: 'imports.phase.copying',
  replacing: 'imports.phase.replacing',
  skipping: 'imports.phase.skipping',
  inserting: 'imports.phase.inserting',
  rollups: 'imports.phase.rollups',
};

/** A load under way: one bar for the whole of it, and its steps, the current one with its rows. */
export function ImportProgress({ record }: { record: ImportRecord }) {
  const { t } = useI18n();
  const phases = phasesOf(record.mode);
  const { step, done } = loadProgress(record);
  const { rows_done: rowsDone, rows_total: rowsTotal } = record.progress;
  const percent = Math.round(done * 100);
  return (
    <section className="card" aria-labelledby="imports-progress-h">
      <h2 id="imports-progress-h">{t('imports.progress.title')}</h2>
      <progress className="imports-progress" max={100} value={percent} aria-labelledby="imports-progress-h" aria-valuetext={`${percent} %`} />
      <ol className="imports-steps">
        {phases.map((phase, index) => {
          const state = index < step ? 'done' : index === step ? 'current' : 'pending';
          return (
            <li key={phase} className={`imports-step imports-step--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              {t(PHASE_TEXT[phase])}
              {state === 'done' ? <span className="visually-hidden"> {t('imports.progress.done')}</span> : null}
              {state === 'current' && phase === 'copying' && rowsTotal ? (
                <span className="muted"> · {t('imports.progress.rows', { done: rowsDone, total: rowsTotal })}</span>
              ) : null}
            </li>
          );
        })}
      </ol>
      <p className="muted" role="status">
        {/* The phase, not the percent: a screen reader would otherwise hear a number every second. */}
        {step >= 0 ? t('imports.progress.now', { phase: t(PHASE_TEXT[phases[step] as Phase]) }) : null}
      </p>
      <p className="muted">{t('imports.progress.leave')}</p>
    </section>
  );
}
