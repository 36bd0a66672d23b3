import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { homeCompanyId } from '@/shared/companies/lastCompany';
import { ana, fakeApi, json, myCompany, problem, renderApp, signedInRoutes } from '@/test/fakeApi';

const company = (id: string, name: string, role: string, rut: string | null = null) => myCompany({ id, name, role, rut });
const twoCompanies = {
  items: [company('c1', 'Tienda Sur', 'owner', '76086428-5'), { ...company('c2', 'Café Norte', 'viewer'), is_demo: true }],
};

describe('homeCompanyId', () => {
  it('is the company opened last while it is still the user’s, else the first, else none', () => {
    expect(homeCompanyId(['c1', 'c2'], 'c2')).toBe('c2');
    expect(homeCompanyId(['c1', 'c2'], 'c9')).toBe('c1'); // left or deleted since
    expect(homeCompanyId(['c1', 'c2'], null)).toBe('c1');
    expect(homeCompanyId([], 'c1')).toBeNull();
  });
});

describe('home (/)', () => {
  it('without a company, leads to creating one, greeting the user', async () => {
    fakeApi(signedInRoutes());
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Hello, Ana Pérez' })).toBeTruthy();
    expect(window.location.pathname).toBe('/companies/new');
    expect(screen.getByRole('button', { name: 'Create company' })).toBeTruthy();
  });

  it('a signed-in user opening sign in goes on the same way; an unconfirmed one is told to confirm first', async () => {
    fakeApi(signedInRoutes({ ...ana, full_name: null as unknown as string, email_verified: false }));
    renderApp('/sign-in');
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeTruthy();
    expect(screen.getByText('To create a company, confirm your email first: open the link we sent you.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Resend the confirmation email' }).getAttribute('href')).toBe('/check-your-email');
    expect(screen.queryByRole('button', { name: 'Create company' })).toBeNull();
  });

  it('with companies, goes to the dashboard of the first one, and remembers it once open', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, twoCompanies) });
    renderApp('/');
    expect(await screen.findByRole('navigation', { name: 'Tienda Sur sections' })).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c1');
    await waitFor(() => expect(localStorage.getItem('ayni.lastCompany')).toBe('c1'));
  });

  it('goes to the company opened last', async () => {
    localStorage.setItem('ayni.lastCompany', 'c2');
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, twoCompanies) });
    renderApp('/');
    expect(await screen.findByRole('navigation', { name: 'Café Norte sections' })).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c2');
  });

  it('a list that cannot be read is said so, and can be read again', async () => {
    let n = 0;
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => (++n === 1 ? problem(404) : json(200, twoCompanies)) });
    renderApp('/');
    expect(await screen.findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('navigation', { name: 'Tienda Sur sections' })).toBeTruthy();
  });
});

describe('your companies (/companies)', () => {
  it('lists the companies with the role the user has in each, each a link to its dashboard', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, twoCompanies) });
    renderApp('/companies', 'es');
    expect(await screen.findByRole('heading', { name: 'Tus empresas', level: 1 })).toBeTruthy();
    const list = (await screen.findByText('Tienda Sur')).closest('ul')!;
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['Tienda SurDueñoRUT 76086428-5', 'Café NorteLectorDemostración']);
    expect(within(list).getByRole('link', { name: 'Café Norte' }).getAttribute('href')).toBe('/c/c2');
    expect(screen.getByRole('link', { name: 'Crear una empresa' }).getAttribute('href')).toBe('/companies/new');
    // The header's link to this page is marked as the current one.
    expect(screen.getByRole('link', { name: 'Empresas' }).getAttribute('aria-current')).toBe('page');
  });

  it('without companies, says how one gets there', async () => {
    fakeApi(signedInRoutes());
    renderApp('/companies');
    expect(await screen.findByText(/You are not part of any company yet: create yours/)).toBeTruthy();
  });

  it('a failed list can be retried', async () => {
    let n = 0;
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => (++n === 1 ? problem(404) : json(200, twoCompanies)) });
    renderApp('/companies');
    expect(await screen.findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Viewer')).toBeTruthy();
  });
});
