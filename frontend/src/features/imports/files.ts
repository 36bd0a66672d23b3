/** Which files the upload takes, and how it declares each (docs/imports.md, "Upload the file"). */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file picker's filter: the extensions, and the media types some phones filter by instead. */
export const ACCEPTED = ['.csv', '.gz', '.xlsx', 'text/csv', 'application/gzip', XLSX_TYPE].join(',');

export type FileCheck = { ok: true; contentType: string } | { ok: false; refusal: 'xls' | 'type' | 'empty' };

/**
 * A file the API reads, with the media type to send it as (taken from its name: a browser may call a .csv
 * "application/vnd.ms-excel", or nothing); or why it is refused before a byte is sent.
 */
export function checkFile(file: Pick<File, 'name' | 'size'>): FileCheck {
  const name = file.name.toLowerCase();
  const contentType = name.endsWith('.csv')
    ? 'text/csv'
    : name.endsWith('.gz')
      ? 'application/gzip'
      : name.endsWith('.xlsx')
        ? XLSX_TYPE
        : null;
  if (contentType === null) return { ok: false, refusal: name.endsWith('.xls') ? 'xls' : 'type' };
  if (file.size === 0) return { ok: false, refusal: 'empty' };
  return { ok: true, contentType };
}

/** A size as people read it: "0,8 kB", "3,2 MB" (decimal units, as phones and file managers show them). */
export function formatBytes(bytes: number, locale: string): string {
  const [unit, size]: [string, number] =
    bytes >= 1e9 ? ['gigabyte', bytes / 1e9] : bytes >= 1e6 ? ['megabyte', bytes / 1e6] : ['kilobyte', bytes / 1e3];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(size);
}
