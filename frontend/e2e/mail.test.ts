// @vitest-environment node
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeText, waitForLink } from './mail';

const multipart = [
  'From: Ayni <no-reply@ayni.app>',
  'To: ana@example.com',
  'Subject: =?utf-8?q?Confirma_tu_correo?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="==b=="',
  '',
  '--==b==',
  'Content-Type: text/plain; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Confirma aqu=C3=AD: http://localhost:5173/verify-email?token=3DabcDEF_12-3.x=',
  'yz',
  '--==b==',
  'Content-Type: text/html; charset="utf-8"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('<a href="http://localhost:5173/verify-email?token=abcDEF_12-3.xyz&amp;x=1">link</a>').toString('base64'),
  '--==b==--',
  '',
].join('\r\n');

describe('captured email parsing', () => {
  it('decodes multipart, quoted-printable and base64 parts', () => {
    const text = mimeText(multipart);
    expect(text).toContain('Confirma aquí: http://localhost:5173/verify-email?token=abcDEF_12-3.xyz');
    expect(text).toContain('<a href="http://localhost:5173/verify-email?token=abcDEF_12-3.xyz&amp;x=1">');
  });

  it('finds the newest link for an address, as a path to open on the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ayni-mail-'));
    writeFileSync(join(dir, '1.eml'), 'To: other@example.com\r\n\r\nhttps://x/reset-password?token=nope\r\n');
    writeFileSync(join(dir, '2.eml'), 'To: Ana <ana@example.com>\nContent-Type: text/plain\n\nGo to https://app.ayni.cl/reset-password?token=r3set.tok-en_1 now\n');
    process.env.AYNI_E2E_MAILDIR = dir;
    expect(await waitForLink('ana@example.com', '/reset-password', 1000)).toBe('/reset-password?token=r3set.tok-en_1');
    await expect(waitForLink('nobody@example.com', '/verify-email', 600)).rejects.toThrow(/no email to nobody@example.com/);
    // An invitation (its path has two segments), among other links in the same message.
    writeFileSync(
      join(dir, '3.eml'),
      'To: ana@example.com\n\nAbre http://127.0.0.1:8000/invitations/accept?token=Inv_1-x.y o https://x/verify-email?token=v\n',
    );
    expect(await waitForLink('ana@example.com', '/invitations/accept', 1000)).toBe('/invitations/accept?token=Inv_1-x.y');
  });
});
