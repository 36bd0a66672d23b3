import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '@/shared/api/problem';
import { useCompany } from '@/shared/companies/current';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { useUpload } from '../api';
import { ACCEPTED, checkFile, formatBytes } from '../files';

/** What the upload is doing: nothing yet, sending a file, or stopped by something the user must read. */
type State =
  | { kind: 'idle' }
  | { kind: 'sending'; file: File; sent: number; total: number }
  | { kind: 'refused'; file: File; refusal: 'xls' | 'type' | 'empty' | 'too-large' }
  | { kind: 'duplicate'; file: File; contentType: string; earlier: string | null }
  | { kind: 'failed'; error: unknown };

const REFUSAL_TEXT = {
  xls: 'imports.upload.xls',
  type: 'imports.upload.wrongType',
  empty: 'imports.upload.empty',
  'too-large': 'imports.upload.tooLarge',
} as const;

/** The earlier import a 409 duplicate-import names (its detail says "import <id>"), to offer opening it. */
function earlierImport(error: ApiError): string | null {
  return /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(error.problem.detail ?? '')?.[0] ?? null;
}

/** Drop or pick a sales file; it is sent at once, with its progress, and its import opens when it is in. */
export function UploadCard() {
  const { t, locale } = useI18n();
  const company = useCompany();
  const navigate = useNavigate();
  const upload = useUpload(company.id);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const cancelUpload = useRef<AbortController | null>(null);

  const send = (file: File, contentType: string, allowDuplicate: boolean) => {
    const controller = new AbortController();
    cancelUpload.current = controller;
    setState({ kind: 'sending', file, sent: 0, total: file.size });
    upload.mutate(
      {
        file,
        contentType,
        allowDuplicate,
        signal: controller.signal,
        onProgress: (sent, total) => setState({ kind: 'sending', file, sent, total }),
      },
      {
        onSuccess: (record) => navigate(`/c/${company.id}/imports/${record.id}`),
        onError: (error) => {
          if (controller.signal.aborted) setState({ kind: 'idle' });
          else if (error instanceof ApiError && error.slug === 'duplicate-import') {
            setState({ kind: 'duplicate', file, contentType, earlier: earlierImport(error) });
          } else if (error instanceof ApiError && error.status === 413) setState({ kind: 'refused', file, refusal: 'too-large' });
          else setState({ kind: 'failed', error });
        },
      },
    );
  };

  const choose = (file: File | undefined) => {
    if (!file || state.kind === 'sending') return;
    const check = checkFile(file);
    if (check.ok) send(file, check.contentType, false);
    else setState({ kind: 'refused', file, refusal: check.refusal });
  };

  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    choose(event.target.files?.[0]);
    event.target.value = ''; // the same file may be picked again (after a fix, or "upload anyway")
  };
  const onDrag = (event: DragEvent) => {
    event.preventDefault();
    setDragging(event.type !== 'dragleave');
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const sending = state.kind === 'sending';
  return (
    <section className="card" aria-labelledby="imports-upload-h">
      <h2 id="imports-upload-h">{t('imports.upload.title')}</h2>
      <div
        className={`imports-drop${dragging ? ' imports-drop--over' : ''}`}
        onDragEnter={onDrag}
        onDragOver={onDrag}
        onDragLeave={onDrag}
        onDrop={onDrop}
        data-testid="imports-drop"
      >
        <p className="imports-drop__drag">{t('imports.upload.drop')}</p>
        <label className={`button button--primary${sending ? ' imports-drop__pick--busy' : ''}`}>
          {t('imports.upload.pick')}
          <input type="file" className="visually-hidden" accept={ACCEPTED} onChange={onPick} disabled={sending} />
        </label>
        <p className="muted">{t('imports.upload.types')}</p>
      </div>

      {state.kind === 'sending' ? (
        <div className="imports-sending">
          {/* Only the file is announced: the bytes, read out at every step, would drown the page. */}
          <p className="break-anywhere" role="status">
            {t('imports.upload.sending', { name: state.file.name })}
          </p>
          <progress max={state.total} value={state.sent} aria-label={t('imports.upload.progressLabel')} />
          <p className="muted">
            {state.sent < state.total
              ? t('imports.upload.progress', { sent: formatBytes(state.sent, locale), total: formatBytes(state.total, locale) })
              : t('imports.upload.receiving')}
          </p>
          <button type="button" className="button" onClick={() => cancelUpload.current?.abort()}>
            {t('imports.upload.cancel')}
          </button>
        </div>
      ) : null}

      {state.kind === 'refused' ? <Alert message={{ text: t(REFUSAL_TEXT[state.refusal], { name: state.file.name }) }} /> : null}
      {state.kind === 'failed' ? <Alert message={describeError(state.error, t)} /> : null}
      {state.kind === 'duplicate' ? (
        <Alert kind="info" message={{ text: t('imports.upload.duplicate', { name: state.file.name }) }}>
          <div className="actions">
            <button type="button" className="button" onClick={() => send(state.file, state.contentType, true)}>
              {t('imports.upload.anyway')}
            </button>
            {state.earlier ? (
              <Link className="button" to={`/c/${company.id}/imports/${state.earlier}`}>
                {t('imports.upload.seeEarlier')}
              </Link>
            ) : null}
          </div>
        </Alert>
      ) : null}
    </section>
  );
}
