/*
 * An import's progress through its phases (docs/imports.md, "Start"): the worker writes the phase it is in and,
 * while copying, the rows done; the other phases are steps without a count.
 */
import type { ImportMode, ImportRecord, ImportStatus } from '@/shared/api/types';

export type Phase = 'queued' | 'parsing' | 'copying' | 'replacing' | 'skipping' | 'inserting' | 'rollups';

/**
 * The phases of a load, in order: replacing earlier days (the lines are copied straight to the sales), or, appending,
 * skipping the lines already loaded and inserting the rest.
 */
export function phasesOf(mode: ImportMode | null): Phase[] {
  return mode === 'append'
    ? ['queued', 'parsing', 'copying', 'skipping', 'inserting', 'rollups']
    : ['queued', 'parsing', 'copying', 'replacing', 'rollups'];
}

/** Statuses the worker is still working on: the page reads the import again until it leaves them. */
const BUSY: readonly ImportStatus[] = ['analyzing', 'importing', 'reverting'];
export const isBusy = (status: ImportStatus): boolean => BUSY.includes(status);

/** Where a load is: the current phase's index (-1 before the first), and the share of the whole load done (0 to 1). */
export function loadProgress(record: Pick<ImportRecord, 'mode' | 'progress'>): { step: number; done: number } {
  const phases = phasesOf(record.mode);
  const step = phases.indexOf(record.progress.phase as Phase);
  if (step < 0) return { step, done: 0 };
  const { rows_done: rowsDone, rows_total: rowsTotal } = record.progress;
  // Within a phase, only the rows copied are counted; each phase is an equal part of the bar.
  const within = rowsTotal ? Math.min(rowsDone / rowsTotal, 1) : 0;
  return { step, done: (step + within) / phases.length };
}
