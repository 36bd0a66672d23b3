import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ana, fakeApi, json, myCompany, noContent, problem, renderApp, signedInRoutes, type Handler } from '@/test/fakeApi';

const member = (user_id: string, full_name: string, email: string, role: string) => ({ user_id, full_name, email, role });
const anaMember = (role: string) => member(ana.id, ana.full_name, ana.email, role);
const bruno = member('u2', 'Bruno Díaz', 'bruno@tienda.cl', 'analyst');
const carla = member('u3', '', 'carla@tienda.cl', 'viewer');
const slugged = (slug: string, status: number) => problem(status, { type: `https://ayni.app/problems/${slug}` });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const invitation = (id: string, email: string, role: string, expires_at: string) => ({
  id, email, role, invited_by: ana.id, created_at: '2026-11-30T10:00:00Z', expires_at,
});

/** Ana, in Tienda Sur with `role`, and its team as the API keeps it after each write. */
function teamApi(role: string, { members = [anaMember(role), bruno, carla], invitations = [] as unknown[], routes = {} as Record<string, Handler> } = {}) {
  let mine = [myCompany({ role })];
  return fakeApi({
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items: mine }),
    'GET /companies/c1/members': () => json(200, { items: members }),
    'GET /companies/c1/invitations': () => json(200, { items: invitations }),
    'DELETE /companies/c1/members/u1': () => {
      mine = [];
      return noContent();
    },
    ...routes,
  });
}

const members = (name = 'Members') => screen.findByRole('region', { name });
const row = async (text: string, section = 'Members') => (await within(await members(section)).findByText(text, { exact: false })).closest('li')!;

describe('members', () => {
  it('every member sees the team with its roles; a viewer changes nothing and sees no invitations', async () => {
    const api = teamApi('viewer');
    renderApp('/c/c1/team');
    const list = await members();
    const items = await within(list).findAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Ana Pérez Youana@tienda.clViewer',
      'Bruno Díazbruno@tienda.clAnalyst',
      'carla@tienda.clViewer', // no name: the email stands for it
    ]);
    expect(within(list).queryByRole('combobox')).toBeNull();
    expect(within(list).queryByRole('button', { name: 'Remove from the team' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Invite someone' })).toBeNull();
    expect(api.count('GET /companies/c1/invitations')).toBe(0);
  });

  it('an owner changes a role, told so in words', async () => {
    const api = teamApi('owner', { routes: { 'PATCH /companies/c1/members/u2': (req) => json(200, { ...bruno, role: req.body?.role }) } });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const select = within(await row('Bruno Díaz')).getByRole('combobox', { name: "Bruno Díaz's role" });
    expect((select as HTMLSelectElement).value).toBe('analyst');
    await user.selectOptions(select, 'Manager');
    expect(await screen.findByText('Bruno Díaz is now Manager.')).toBeTruthy();
    expect((select as HTMLSelectElement).value).toBe('manager');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ role: 'manager' });
  });

  it('the last owner stepping down (409 last-owner) is explained, and the role stays', async () => {
    teamApi('owner', { routes: { 'PATCH /companies/c1/members/u1': () => slugged('last-owner', 409) } });
    renderApp('/c/c1/team', 'es');
    const user = userEvent.setup();
    const select = within(await row('Ana Pérez', 'Miembros')).getByRole('combobox', { name: 'Rol de Ana Pérez' });
    await user.selectOptions(select, 'Administrador');
    expect(await screen.findByText('La empresa debe tener al menos un dueño: nombra primero a otro miembro como dueño.')).toBeTruthy();
    expect((select as HTMLSelectElement).value).toBe('owner');
  });

  it('an owner removes a member, after confirming', async () => {
    const api = teamApi('owner', { routes: { 'DELETE /companies/c1/members/u2': () => noContent() } });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const bruno = await row('Bruno Díaz');
    expect(within(await row('Ana Pérez')).queryByRole('button', { name: 'Remove from the team' })).toBeNull(); // oneself: "leave"
    await user.click(within(bruno).getByRole('button', { name: 'Remove from the team' }));
    expect(within(bruno).getByText('Remove Bruno Díaz from the team? They will no longer see Tienda Sur.')).toBeTruthy();
    await user.click(within(bruno).getByRole('button', { name: 'Yes, remove' }));
    expect(await screen.findByText('You removed Bruno Díaz from the team.')).toBeTruthy();
    expect(api.count('DELETE /companies/c1/members/u2')).toBe(1);
  });
});

describe('leaving', () => {
  it('any member may leave: the company goes from their list, and they are told so', async () => {
    const api = teamApi('viewer');
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    await user.click(await within(await members()).findByRole('button', { name: 'Leave the company' }));
    expect(screen.getByText('Leave Tienda Sur? To come back, someone on the team will have to invite you again.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Yes, leave' }));
    expect(await screen.findByText('You left Tienda Sur.')).toBeTruthy();
    await waitFor(() => expect(window.location.pathname).toBe('/companies/new'));
    expect(api.count('DELETE /companies/c1/members/u1')).toBe(1);
  });

  it('the last owner cannot, and is told what to do first', async () => {
    teamApi('owner');
    renderApp('/c/c1/team');
    const list = await members();
    expect(await within(list).findByText('You are the only owner: to leave, first make another member an owner.')).toBeTruthy();
    expect(within(list).getByRole('button', { name: 'Leave the company' })).toHaveProperty('disabled', true);
  });

  it('an owner among several may; a refusal from the API (409 last-owner) is explained', async () => {
    teamApi('owner', {
      members: [anaMember('owner'), { ...bruno, role: 'owner' }],
      routes: { 'DELETE /companies/c1/members/u1': () => slugged('last-owner', 409) },
    });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    await user.click(await within(await members()).findByRole('button', { name: 'Leave the company' }));
    await user.click(screen.getByRole('button', { name: 'Yes, leave' }));
    expect(await screen.findByText('The company must keep at least one owner: make another member an owner first.')).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c1/team');
  });

  it('a team that cannot be read can be read again', async () => {
    let n = 0;
    teamApi('viewer', { routes: { 'GET /companies/c1/members': () => (++n === 1 ? problem(404) : json(200, { items: [bruno] })) } });
    renderApp('/c/c1/team');
    await userEvent.setup().click(await within(await members()).findByRole('button', { name: 'Retry' }));
    expect(await within(await members()).findByText('Bruno Díaz')).toBeTruthy();
  });
});

describe('invitations', () => {
  const open = invitation('i1', 'dora@tienda.cl', 'viewer', inDays(5));
  const expired = invitation('i2', 'eva@tienda.cl', 'analyst', inDays(-1));

  it('a manager invites analysts and viewers only; sent, it is confirmed and listed', async () => {
    let invitations: unknown[] = [];
    const api = teamApi('manager', {
      routes: {
        'GET /companies/c1/invitations': () => json(200, { items: invitations }),
        'POST /companies/c1/invitations': (req) => {
          const made = invitation('i9', String(req.body?.email), String(req.body?.role), inDays(7));
          invitations = [made];
          return json(201, made);
        },
      },
    });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const invite = await screen.findByRole('region', { name: 'Invite someone' });
    const role = within(invite).getByLabelText('Role');
    expect(within(role).getAllByRole('option').map((o) => o.textContent)).toEqual(['Analyst', 'Viewer']);
    expect(within(invite).getByText('As a manager, you can invite analysts and viewers.')).toBeTruthy();
    expect(await screen.findByText('No pending invitations.')).toBeTruthy();
    await user.click(within(invite).getByRole('button', { name: 'Send invitation' }));
    expect(within(invite).getByText('This field is required.')).toBeTruthy();
    await user.type(within(invite).getByLabelText('Email'), ' fede@tienda.cl ');
    await user.selectOptions(within(invite).getByLabelText('Role'), 'Analyst');
    await user.click(within(invite).getByRole('button', { name: 'Send invitation' }));
    expect(await within(invite).findByText('We sent the invitation to fede@tienda.cl. The link lasts 7 days.')).toBeTruthy();
    expect(api.calls.find((c) => c.path === '/companies/c1/invitations' && c.method === 'POST')?.body).toEqual({ email: 'fede@tienda.cl', role: 'analyst' });
    const pending = screen.getByRole('region', { name: 'Pending invitations' });
    expect(await within(pending).findByText('fede@tienda.cl', { selector: 'strong' })).toBeTruthy();
    expect((within(invite).getByLabelText('Email') as HTMLInputElement).value).toBe(''); // ready for the next
  });

  it('an owner may invite any role', async () => {
    teamApi('owner');
    renderApp('/c/c1/team');
    const invite = await screen.findByRole('region', { name: 'Invite someone' });
    expect(within(within(invite).getByLabelText('Role')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Owner', 'Manager', 'Analyst', 'Viewer']);
  });

  it('inviting a member (409 already-member) is said in words', async () => {
    teamApi('owner', { routes: { 'POST /companies/c1/invitations': () => slugged('already-member', 409) } });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const invite = await screen.findByRole('region', { name: 'Invite someone' });
    await user.type(within(invite).getByLabelText('Email'), 'bruno@tienda.cl');
    await user.click(within(invite).getByRole('button', { name: 'Send invitation' }));
    expect(await within(invite).findByText('This person is already a member of the company.')).toBeTruthy();
  });

  it('lists the open ones with when they expire; each can be sent again or revoked', async () => {
    const api = teamApi('owner', {
      invitations: [open, expired],
      routes: {
        'POST /companies/c1/invitations': (req) => json(201, invitation('i3', String(req.body?.email), String(req.body?.role), inDays(7))),
        'DELETE /companies/c1/invitations/i1': () => noContent(),
      },
    });
    renderApp('/c/c1/team', 'es');
    const user = userEvent.setup();
    const pending = await screen.findByRole('region', { name: 'Invitaciones pendientes' });
    const dora = (await within(pending).findByText('dora@tienda.cl', { selector: 'strong' })).closest('li')!;
    const eva = within(pending).getByText('eva@tienda.cl', { selector: 'strong' }).closest('li')!;
    expect(within(dora).getByText(/^Vence el \d+ de \w+ de \d{4}$/)).toBeTruthy();
    expect(within(eva).getByText(/^Venció el /)).toBeTruthy();

    await user.click(within(eva).getByRole('button', { name: 'Reenviar eva@tienda.cl' }));
    expect(await within(pending).findByText('Enviamos una invitación nueva a eva@tienda.cl; el enlace anterior ya no funciona.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'POST' && c.path === '/companies/c1/invitations')?.body).toEqual({ email: 'eva@tienda.cl', role: 'analyst' });

    await user.click(within(dora).getByRole('button', { name: 'Revocar dora@tienda.cl' }));
    expect(await within(pending).findByText('Revocaste la invitación de dora@tienda.cl.')).toBeTruthy();
    expect(api.count('DELETE /companies/c1/invitations/i1')).toBe(1);
  });

  it('a revocation refused is said on its row', async () => {
    teamApi('owner', { invitations: [open], routes: { 'DELETE /companies/c1/invitations/i1': () => problem(404) } });
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const pending = await screen.findByRole('region', { name: 'Pending invitations' });
    const dora = (await within(pending).findByText('dora@tienda.cl', { selector: 'strong' })).closest('li')!;
    await user.click(within(dora).getByRole('button', { name: 'Revoke dora@tienda.cl' }));
    expect(await within(dora).findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
  });
});
