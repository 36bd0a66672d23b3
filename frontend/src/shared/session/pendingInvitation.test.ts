import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  forgetInvitation,
  invitationPath,
  PENDING_INVITATION_TTL_MS,
  pendingInvitation,
  pendingInvitationPath,
  rememberInvitation,
} from './pendingInvitation';

afterEach(() => vi.restoreAllMocks());

describe('the pending invitation', () => {
  it('is kept in this browser under one key, and forgotten', () => {
    expect(pendingInvitation()).toBe('');
    expect(pendingInvitationPath()).toBeNull();
    rememberInvitation('a b&c');
    expect(pendingInvitation()).toBe('a b&c');
    expect(pendingInvitationPath()).toBe('/invitations/accept?token=a%20b%26c');
    expect(Object.keys(localStorage)).toEqual(['ayni.pendingInvitation']);
    forgetInvitation();
    expect(pendingInvitation()).toBe('');
    expect(localStorage.length).toBe(0);
  });

  it('lasts a day, then goes', () => {
    rememberInvitation('tok', 1_000);
    expect(pendingInvitation(1_000 + PENDING_INVITATION_TTL_MS - 1)).toBe('tok');
    expect(pendingInvitation(1_000 + PENDING_INVITATION_TTL_MS)).toBe('');
    expect(localStorage.getItem('ayni.pendingInvitation')).toBeNull();
  });

  it('drops what it cannot read', () => {
    for (const junk of ['{', '"tok"', '{"token":""}', '{"token":"t"}', '{"token":5,"savedAt":1}']) {
      localStorage.setItem('ayni.pendingInvitation', junk);
      expect(pendingInvitation(), junk).toBe('');
      expect(localStorage.getItem('ayni.pendingInvitation'), junk).toBeNull();
    }
  });

  it('survives a browser without storage', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'removeItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    rememberInvitation('tok');
    expect(pendingInvitation()).toBe('');
    expect(() => forgetInvitation()).not.toThrow();
  });

  it('builds the emailed link path', () => {
    expect(invitationPath('abc_-.~')).toBe('/invitations/accept?token=abc_-.~');
  });
});
