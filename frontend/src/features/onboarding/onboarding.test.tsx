import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, myCompany, problem, renderApp, signedInRoutes, type FakeRequest, type Handler } from '@/test/fakeApi';

type User = ReturnType<typeof userEvent.setup>;

const created = myCompany({ id: 'c9', name: 'Almacén Don Pepe', rut: '76086428-5', role: 'owner' });
const demo = myCompany({ id: 'demo1', name: 'Almacenes Ayni Demo SpA', rut: '77123456-0', role: 'owner' });
const location = { id: 'l1', name: 'Sucursal Ñuñoa', code: 'SUCURSAL-NUNOA', address: null, comuna: 'Ñuñoa', region: 'Región Metropolitana de Santiago', archived_at: null };
const slugged = (slug: string, status: number, extra: Record<string, unknown> = {}) =>
  problem(status, { type: `https://ayni.app/problems/${slug}`, ...extra });

/** A user with no company yet; what POST /companies (and /companies/demo) create joins the list. */
function newcomer(routes: Record<string, Handler> = {}) {
  const mine: unknown[] = [];
  const joins = (company: unknown) => () => {
    mine.push(company);
    return json(201, company);
  };
  return fakeApi({
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items: mine }),
    'POST /companies': joins(created),
    'POST /companies/c9/locations': () => json(201, location),
    'POST /companies/demo': joins(demo),
    ...routes,
  });
}

async function fillCompany(user: User) {
  await user.type(await screen.findByLabelText('Company name'), 'Almacén Don Pepe');
  await user.type(screen.getByLabelText("Company's RUT"), '76.086.428-5');
  await user.selectOptions(screen.getByLabelText('Industry'), 'Grocery');
}

async function fillLocation(user: User) {
  await user.type(screen.getByLabelText('Location name'), 'Sucursal Ñuñoa');
  await user.type(screen.getByLabelText(/^Comuna/), 'Ñuñoa');
  await user.selectOptions(screen.getByLabelText(/^Region/), 'Región Metropolitana de Santiago');
}

const submit = (user: User) => user.click(screen.getByRole('button', { name: 'Create company' }));
const calls = (api: { calls: FakeRequest[] }, key: string) => api.calls.filter((c) => `${c.method} ${c.path}` === key);

describe('creating the first company', () => {
  it('checks the fields before sending: what is required, and the RUT as it is typed', async () => {
    const api = newcomer();
    renderApp('/companies/new');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Hello, Ana Pérez' });
    await submit(user);
    expect(screen.getByText('Check the highlighted fields.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Company name'));
    for (const label of ['Company name', "Company's RUT", 'Industry', 'Location name']) {
      expect(screen.getByLabelText(label).getAttribute('aria-invalid'), label).toBe('true');
    }
    // The RUT: a wrong check digit is named as such; a right one is confirmed and shown in its normal form.
    const rut = screen.getByLabelText("Company's RUT");
    await user.type(rut, '76.086.428-4');
    expect(screen.getByText('The check digit does not match the number. Check the RUT.')).toBeTruthy();
    await user.clear(rut);
    await user.type(rut, '760864285');
    expect(screen.getByText('Valid RUT: 76086428-5')).toBeTruthy();
    await user.tab();
    expect((rut as HTMLInputElement).value).toBe('76086428-5');
    // A time zone must be one of the list.
    const timezone = screen.getByLabelText('Time zone');
    expect((timezone as HTMLInputElement).value).toBe('America/Santiago');
    await user.clear(timezone);
    await user.type(timezone, 'Mars/Olympus');
    await user.tab();
    expect(screen.getByText('Choose a time zone from the list, for example America/Santiago.')).toBeTruthy();
    expect(api.count('POST /companies')).toBe(0);
  });

  it('creates the company, then its first location, and offers how to start', async () => {
    const api = newcomer();
    renderApp('/');
    const user = userEvent.setup();
    await fillCompany(user);
    await fillLocation(user);
    expect((screen.getByLabelText('Currency') as HTMLSelectElement).value).toBe('CLP');
    await submit(user);
    expect(await screen.findByRole('heading', { name: 'Almacén Don Pepe is ready' })).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c9/start');
    expect(calls(api, 'POST /companies')[0]?.body).toEqual({
      name: 'Almacén Don Pepe',
      rut: '76086428-5', // as typed (76.086.428-5), in its normal form once the field was left
      industry: 'grocery',
      timezone: 'America/Santiago',
      currency: 'CLP',
      benchmarking_opt_in: true,
    });
    // No code given: one made from the name.
    expect(calls(api, 'POST /companies/c9/locations')[0]?.body).toEqual({
      name: 'Sucursal Ñuñoa',
      code: 'SUCURSAL-NUNOA',
      comuna: 'Ñuñoa',
      region: 'Región Metropolitana de Santiago',
    });
    expect(screen.getByRole('link', { name: 'Upload my sales' }).getAttribute('href')).toBe('/c/c9/imports');
    expect(screen.getByRole('link', { name: 'Go to the Almacén Don Pepe dashboard' }).getAttribute('href')).toBe('/c/c9');
    expect(await screen.findByRole('navigation', { name: 'Almacén Don Pepe sections' })).toBeTruthy();
  });

  it('a RUT another company has (409 rut-taken) is said on the RUT field', async () => {
    const api = newcomer({ 'POST /companies': () => slugged('rut-taken', 409) });
    renderApp('/companies/new', 'es');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Nombre de la empresa'), 'Almacén Don Pepe');
    await user.type(screen.getByLabelText('RUT de la empresa'), '76.086.428-5');
    await user.selectOptions(screen.getByLabelText('Rubro'), 'Supermercado y almacén');
    await user.type(screen.getByLabelText('Nombre del local'), 'Centro');
    await user.click(screen.getByRole('button', { name: 'Crear empresa' }));
    const rut = screen.getByLabelText('RUT de la empresa');
    await waitFor(() => expect(rut.getAttribute('aria-invalid')).toBe('true'));
    expect(document.activeElement).toBe(rut);
    expect(within(rut.closest('.field')!).getByText('Ya existe una empresa con este RUT. Revisa el número.')).toBeTruthy();
    expect(api.count('POST /companies/c9/locations')).toBe(0);
    // Corrected, the field's error goes.
    await user.clear(rut);
    await user.type(rut, '12.345.678-5');
    expect(rut.getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('Ya existe una empresa con este RUT. Revisa el número.')).toBeNull();
  });

  it("the API's refused fields (422) are shown on them", async () => {
    newcomer({
      'POST /companies': () =>
        problem(422, {
          type: 'https://ayni.app/problems/validation-error',
          errors: [{ field: 'body.timezone', message: 'Use an IANA time zone name.', code: 'invalid-value' }],
        }),
    });
    renderApp('/companies/new');
    const user = userEvent.setup();
    await fillCompany(user);
    await fillLocation(user);
    await submit(user);
    const timezone = screen.getByLabelText('Time zone');
    await waitFor(() => expect(timezone.getAttribute('aria-invalid')).toBe('true'));
    expect(within(timezone.closest('.field')!).getByText('This value is not valid.')).toBeTruthy();
  });

  it('a company created whose location is refused is kept: only the location is sent again', async () => {
    let tries = 0;
    const api = newcomer({
      'POST /companies/c9/locations': () =>
        ++tries === 1
          ? problem(422, {
              type: 'https://ayni.app/problems/validation-error',
              errors: [{ field: 'body.name', message: 'Too long.', code: 'too-long', limit: 200 }],
            })
          : json(201, location),
    });
    renderApp('/companies/new');
    const user = userEvent.setup();
    await fillCompany(user);
    await fillLocation(user);
    await submit(user);
    expect(await screen.findByText('Almacén Don Pepe is created; its first location is missing. Check its details and try again.')).toBeTruthy();
    // The location's `name` is the location's field, not the company's.
    const locationName = screen.getByLabelText('Location name');
    expect(locationName.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('It can have at most 200 characters.')).toBeTruthy();
    expect(screen.queryByLabelText('Company name')).toBeNull();
    await user.clear(locationName);
    await user.type(locationName, 'Centro');
    await submit(user);
    expect(await screen.findByRole('heading', { name: 'Almacén Don Pepe is ready' })).toBeTruthy();
    expect(api.count('POST /companies')).toBe(1);
    expect(calls(api, 'POST /companies/c9/locations')[1]?.body).toMatchObject({ name: 'Centro', code: 'CENTRO' });
  });

  it('the API refusing an unconfirmed email is said in words', async () => {
    newcomer({ 'POST /companies': () => slugged('email-not-verified', 403) });
    renderApp('/companies/new');
    const user = userEvent.setup();
    await fillCompany(user);
    await fillLocation(user);
    await submit(user);
    expect(await screen.findByText('Your email is not confirmed yet: open the link we sent you.')).toBeTruthy();
  });

  it('another company: no welcome, no sample data offered', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, { items: [myCompany()] }) });
    renderApp('/companies/new');
    expect(await screen.findByRole('heading', { name: 'New company' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Create company' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Explore with sample data' })).toBeNull();
  });
});

describe('exploring with sample data', () => {
  it('from the welcome: creates the demo company and opens its dashboard, saying its sales are being generated', async () => {
    const api = newcomer();
    renderApp('/');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Explore with sample data' }));
    const notice = await screen.findByText(
      'We are generating the sample sales of Almacenes Ayni Demo SpA: the dashboard will fill up over the next few minutes.',
    );
    expect(window.location.pathname).toBe('/c/demo1');
    expect(api.count('POST /companies/demo')).toBe(1);
    expect(await screen.findByRole('navigation', { name: 'Almacenes Ayni Demo SpA sections' })).toBeTruthy();
    // Read, it can be closed.
    await user.click(within(notice.closest('.notice') as HTMLElement).getByRole('button', { name: 'Close notice' }));
    expect(screen.queryByText(/We are generating the sample sales/)).toBeNull();
    expect(window.location.pathname).toBe('/c/demo1');
  });

  it('after creating a company, as the other way to start', async () => {
    fakeApi({
      ...signedInRoutes(),
      'GET /companies': () => json(200, { items: [created] }),
      'POST /companies/demo': () => json(201, demo),
    });
    renderApp('/c/c9/start', 'es');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Explorar con datos de ejemplo' }));
    expect(await screen.findByText(/Estamos generando las ventas de ejemplo de Almacenes Ayni Demo SpA/)).toBeTruthy();
    expect(window.location.pathname).toBe('/c/demo1');
  });

  it('is the one way offered to a member who may not import', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, { items: [myCompany({ role: 'analyst' })] }) });
    renderApp('/c/c1/start');
    expect(await screen.findByRole('button', { name: 'Explore with sample data' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Upload my sales' })).toBeNull();
  });

  it('a refusal is said in words, and the button works again', async () => {
    newcomer({ 'POST /companies/demo': () => slugged('too-many-requests', 429, {}) });
    renderApp('/companies/new');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Explore with sample data' }));
    expect(await screen.findByText('You asked for too many tasks in a short time. Wait a moment and try again.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Explore with sample data' })).toHaveProperty('disabled', false);
    expect(window.location.pathname).toBe('/companies/new');
  });
});
