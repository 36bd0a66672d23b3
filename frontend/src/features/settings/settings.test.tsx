import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, myCompany, noContent, problem, renderApp, signedInRoutes, type Handler } from '@/test/fakeApi';

const tienda = myCompany({ id: 'c1', name: 'Tienda Sur', rut: '76086428-5', role: 'owner' });
const centro = { id: 'l1', name: 'Centro', code: 'CEN', address: null, comuna: 'Santiago', region: 'Región Metropolitana de Santiago', archived_at: null };
const costa = { id: 'l2', name: 'Costa', code: 'COS', address: null, comuna: null, region: null, archived_at: null };
const viejo = { ...costa, id: 'l3', name: 'Local Viejo', code: 'VIE', archived_at: '2026-10-01T12:00:00Z' };
const slugged = (slug: string, status: number) => problem(status, { type: `https://ayni.app/problems/${slug}` });

/** The company's settings with its locations, kept as the API would after each write. */
function settingsApi({ role = 'owner', routes = {}, locations = [centro, costa, viejo] }: { role?: string; routes?: Record<string, Handler>; locations?: unknown[] } = {}) {
  let companies = [{ ...tienda, role }];
  return fakeApi({
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items: companies }),
    'GET /companies/c1/locations': () => json(200, { items: locations }),
    'PATCH /companies/c1': (req) => {
      companies = [{ ...companies[0]!, ...req.body }];
      return json(200, companies[0]);
    },
    'DELETE /companies/c1': () => {
      companies = [];
      return json(202, { id: 'j1', actor: 'delete_company', status: 'pending' });
    },
    ...routes,
  });
}

const section = (name: string) => screen.findByRole('region', { name });

describe('company details', () => {
  it('shows the company, and saves only what changed; the header follows', async () => {
    const api = settingsApi();
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const details = await section('Company details');
    const name = within(details).getByLabelText('Company name') as HTMLInputElement;
    expect(name.value).toBe('Tienda Sur');
    expect((within(details).getByLabelText("Company's RUT") as HTMLInputElement).value).toBe('76086428-5');
    expect((within(details).getByLabelText('Industry') as HTMLSelectElement).value).toBe('grocery');
    await user.clear(name);
    await user.type(name, 'Tienda Sur SpA');
    await user.click(within(details).getByLabelText('Compare my company with similar businesses'));
    await user.click(within(details).getByRole('button', { name: 'Save changes' }));
    expect(await within(details).findByText('Changes saved.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Tienda Sur SpA', benchmarking_opt_in: false });
    expect(await screen.findByRole('navigation', { name: 'Tienda Sur SpA sections' })).toBeTruthy();
    // The confirmation goes with the next edit.
    await user.type(name, '.');
    expect(within(details).queryByText('Changes saved.')).toBeNull();
  });

  it('nothing changed: nothing sent, and said saved', async () => {
    const api = settingsApi();
    renderApp('/c/c1/settings');
    const details = await section('Company details');
    await userEvent.setup().click(within(details).getByRole('button', { name: 'Save changes' }));
    expect(await within(details).findByText('Changes saved.')).toBeTruthy();
    expect(api.calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it("another company's RUT (409 rut-taken) is said on the RUT field", async () => {
    settingsApi({ routes: { 'PATCH /companies/c1': () => slugged('rut-taken', 409) } });
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const details = await section('Company details');
    const rut = within(details).getByLabelText("Company's RUT");
    await user.clear(rut);
    await user.type(rut, '12.345.678-5');
    await user.click(within(details).getByRole('button', { name: 'Save changes' }));
    expect(await within(details).findByText('A company with this RUT already exists. Check the number.')).toBeTruthy();
    expect(rut.getAttribute('aria-invalid')).toBe('true');
  });
});

describe('locations', () => {
  it('lists each with its code, place, and whether it was archived', async () => {
    settingsApi();
    renderApp('/c/c1/settings', 'es');
    const locations = await section('Locales');
    const items = await within(locations).findAllByRole('listitem');
    expect(items.map((li) => within(li).getByRole('heading').textContent)).toEqual(['Centro', 'Costa', 'Local Viejo']);
    expect(within(items[0]!).getByText('Código CEN')).toBeTruthy();
    expect(within(items[0]!).getByText('Santiago, Región Metropolitana de Santiago')).toBeTruthy();
    expect(within(items[2]!).getByText('Archivado')).toBeTruthy();
    expect(within(items[2]!).getByText(/Archivado el 1 de octubre de 2026/)).toBeTruthy();
    // An archived location is not removed again.
    expect(within(items[2]!).queryByRole('button', { name: 'Quitar' })).toBeNull();
  });

  it('none yet: says how they come', async () => {
    settingsApi({ locations: [] });
    renderApp('/c/c1/settings');
    expect(await screen.findByText(/No locations yet. Add the first one below/)).toBeTruthy();
  });

  it('a list that cannot be read can be read again', async () => {
    let n = 0;
    settingsApi({ routes: { 'GET /companies/c1/locations': () => (++n === 1 ? problem(404) : json(200, { items: [centro] })) } });
    renderApp('/c/c1/settings');
    const locations = await section('Locations');
    await userEvent.setup().click(await within(locations).findByRole('button', { name: 'Retry' }));
    expect(await within(locations).findByRole('heading', { name: 'Centro' })).toBeTruthy();
  });

  it('removing: one with sales is archived, one without deleted, and the user is told which', async () => {
    const api = settingsApi({
      routes: {
        'DELETE /companies/c1/locations/l1': () => json(200, { ...centro, archived_at: '2026-12-01T10:00:00Z' }),
        'DELETE /companies/c1/locations/l2': () => noContent(),
      },
    });
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const locations = await section('Locations');
    const item = async (name: string) => (await within(locations).findByRole('heading', { name })).closest('li')!;

    await user.click(within(await item('Centro')).getByRole('button', { name: 'Remove' }));
    const question = within(await item('Centro')).getByText(/Remove Centro\? If it has sales we archive it/);
    expect(document.activeElement).toBe(question);
    await user.click(within(await item('Centro')).getByRole('button', { name: 'Yes, remove' }));
    expect(await within(locations).findByText('Centro had sales, so we archived it: its past figures stay.')).toBeTruthy();

    await user.click(within(await item('Costa')).getByRole('button', { name: 'Remove' }));
    await user.click(within(await item('Costa')).getByRole('button', { name: 'Yes, remove' }));
    expect(await within(locations).findByText('Costa had no sales, so we deleted it.')).toBeTruthy();
    expect(api.count('DELETE /companies/c1/locations/l1')).toBe(1);
    expect(api.count('DELETE /companies/c1/locations/l2')).toBe(1);
  });

  it('removing can be cancelled', async () => {
    const api = settingsApi();
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const locations = await section('Locations');
    const centroItem = (await within(locations).findByRole('heading', { name: 'Centro' })).closest('li')!;
    await user.click(within(centroItem).getByRole('button', { name: 'Remove' }));
    await user.click(within(centroItem).getByRole('button', { name: 'Cancel' }));
    expect(within(centroItem).getByRole('button', { name: 'Remove' })).toBeTruthy();
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false);
  });

  it('adding: the code made from the name when left empty; a code in use is said on its field', async () => {
    let n = 0;
    const api = settingsApi({
      routes: {
        'POST /companies/c1/locations': (req) =>
          ++n === 1 ? slugged('code-taken', 409) : json(201, { ...costa, id: 'l9', name: req.body?.name, code: req.body?.code }),
      },
    });
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const locations = await section('Locations');
    await within(locations).findByRole('heading', { name: 'Centro' });
    const form = within(locations).getByRole('button', { name: 'Add a location' }).closest('form')!;
    await user.type(within(form).getByLabelText('Location name'), 'Plaza Ñuñoa');
    await user.type(within(form).getByLabelText(/^Location code/), 'CEN');
    await user.click(within(form).getByRole('button', { name: 'Add a location' }));
    const code = within(form).getByLabelText(/^Location code/);
    expect(await within(form).findByText('Another location of this company already has this code. Choose another.')).toBeTruthy();
    expect(code.getAttribute('aria-invalid')).toBe('true');
    await user.clear(code);
    await user.click(within(form).getByRole('button', { name: 'Add a location' }));
    expect(await within(locations).findByText('We added Plaza Ñuñoa.')).toBeTruthy();
    expect(api.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/locations')).map((c) => c.body)).toEqual([
      { name: 'Plaza Ñuñoa', code: 'CEN' },
      { name: 'Plaza Ñuñoa', code: 'PLAZA-NUNOA' },
    ]);
    // A fresh form for the next one.
    const fresh = within(locations).getByRole('button', { name: 'Add a location' }).closest('form')!;
    expect((within(fresh).getByLabelText('Location name') as HTMLInputElement).value).toBe('');
  });

  it('editing: renames, and an emptied comuna or region is cleared', async () => {
    const api = settingsApi({ routes: { 'PATCH /companies/c1/locations/l1': (req) => json(200, { ...centro, ...req.body }) } });
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const locations = await section('Locations');
    const item = (await within(locations).findByRole('heading', { name: 'Centro' })).closest('li')!;
    await user.click(within(item).getByRole('button', { name: 'Edit Centro' }));
    expect(within(item).getByRole('heading', { name: 'Edit Centro' })).toBeTruthy();
    const name = within(item).getByLabelText('Location name');
    await user.clear(name);
    await user.type(name, 'Centro Histórico');
    await user.clear(within(item).getByLabelText(/^Comuna/));
    await user.selectOptions(within(item).getByLabelText(/^Region/), 'No region');
    await user.click(within(item).getByRole('button', { name: 'Save' }));
    expect(await within(locations).findByText('We saved the changes to Centro Histórico.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Centro Histórico', code: 'CEN', comuna: null, region: null });
  });
});

describe('deleting the company', () => {
  it('is for owners only', async () => {
    settingsApi({ role: 'manager' });
    renderApp('/c/c1/settings');
    await section('Company details');
    expect(screen.queryByRole('region', { name: 'Delete the company' })).toBeNull();
  });

  it('is armed by typing the name; then the user leaves it, told so, and the list no longer has it', async () => {
    const api = settingsApi();
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const zone = await section('Delete the company');
    const button = within(zone).getByRole('button', { name: 'Delete the company for good' });
    expect(button).toHaveProperty('disabled', true);
    const confirm = within(zone).getByLabelText("To confirm, type the company's name");
    await user.type(confirm, 'tienda sur');
    expect(button).toHaveProperty('disabled', true); // exactly as it is
    await user.clear(confirm);
    await user.type(confirm, 'Tienda Sur ');
    expect(button).toHaveProperty('disabled', false);
    await user.click(button);
    expect(await screen.findByText('We deleted Tienda Sur. Its data will be fully erased within a few minutes.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'DELETE')?.body).toEqual({ confirm_name: 'Tienda Sur ' });
    // No company left: on to creating one.
    await waitFor(() => expect(window.location.pathname).toBe('/companies/new'));
    expect(screen.queryByRole('navigation', { name: 'Tienda Sur sections' })).toBeNull();
  });

  it('a refusal is said, and nothing moves', async () => {
    settingsApi({ routes: { 'DELETE /companies/c1': () => problem(500, { instance: 'req-9' }) } });
    renderApp('/c/c1/settings');
    const user = userEvent.setup();
    const zone = await section('Delete the company');
    await user.type(within(zone).getByLabelText("To confirm, type the company's name"), 'Tienda Sur');
    await user.click(within(zone).getByRole('button', { name: 'Delete the company for good' }));
    expect(await within(zone).findByText(/req-9/)).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c1/settings');
  });
});
