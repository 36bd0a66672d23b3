import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Captured emails: the harness's SMTP sink writes one RFC 822 .eml file per message to AYNI_E2E_MAILDIR. */
export interface Mail {
  file: string;
  to: string;
  subject: string;
  text: string;
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body };
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** All text of a MIME entity: walks multiparts, decodes base64 and quoted-printable. */
export function mimeText(raw: string): string {
  const { headers, body } = splitHead(raw);
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'))
      .map((part) => mimeText(part.replace(/^\r?\n/, '')))
      .join('\n');
  }
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

export async function readMails(dir: string): Promise<Mail[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  const withTimes = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  withTimes.sort((a, b) => a.t - b.t);
  return Promise.all(
    withTimes.map(async ({ n }) => {
      const raw = await readFile(join(dir, n), 'utf8');
      const { headers } = splitHead(raw);
      return { file: n, to: headers.to ?? '', subject: headers.subject ?? '', text: mimeText(raw) };
    }),
  );
}

/** Path and query of the newest link to `path` (e.g. /verify-email) in a message to `to`. Waits for it. */
export async function waitForLink(
  to: string,
  path: '/verify-email' | '/reset-password' | '/invitations/accept',
  timeoutMs = 45_000,
): Promise<string> {
  const dir = process.env.AYNI_E2E_MAILDIR;
  if (!dir) throw new Error('AYNI_E2E_MAILDIR is not set: the directory where the SMTP sink writes .eml files');
  const pattern = new RegExp(`https?://[^\\s"'<>]+?(${path.replaceAll('/', '\\/')}\\?token=[A-Za-z0-9._~%+=-]+)`, 'g');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = (await readMails(dir)).filter((m) => m.to.toLowerCase().includes(to.toLowerCase()));
    for (const mail of mails.reverse()) {
      const links = [...mail.text.replace(/&amp;/g, '&').matchAll(pattern)].map((m) => m[1]!);
      if (links.length > 0) return links[0]!;
    }
    if (Date.now() > deadline) throw new Error(`no email to ${to} with a ${path} link in ${dir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
