import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ana, fakeApi, json, myCompany, problem, renderApp, signedInRoutes } from '@/test/fakeApi';

const company = (id: string, name: string, role: string, rut: string | null = null) => myCompany({ id, name, role, rut });

describe('home', () => {
  it('a signed-in user opening sign in goes home; an unverified one is reminded', async () => {
    fakeApi(signedInRoutes({ ...ana, full_name: null as unknown as string, email_verified: false }));
    renderApp('/sign-in');
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeTruthy();
    expect(screen.getByText('Your email is not confirmed yet.')).toBeTruthy();
  });

  it('lists the companies with the role the user has in each', async () => {
    fakeApi({
      ...signedInRoutes(),
      'GET /companies': () => json(200, { items: [company('c1', 'Tienda Sur', 'owner', '76086428-5'), company('c2', 'Café Norte', 'viewer')] }),
    });
    renderApp('/', 'es');
    const list = (await screen.findByText('Tienda Sur')).closest('ul')!;
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['Tienda SurDueñoRUT 76086428-5', 'Café NorteLector']);
    expect(screen.getByRole('heading', { name: 'Tus empresas' })).toBeTruthy();
  });

  it('without companies, says how one gets there', async () => {
    fakeApi(signedInRoutes());
    renderApp('/');
    expect(await screen.findByText(/You are not part of any company yet/)).toBeTruthy();
  });

  it('a failed list can be retried', async () => {
    let n = 0;
    fakeApi({
      ...signedInRoutes(),
      'GET /companies': () => (++n === 1 ? problem(404) : json(200, { items: [company('c1', 'Tienda Sur', 'analyst')] })),
    });
    renderApp('/');
    expect(await screen.findByText('We could not find what you are looking for. It may no longer exist.')).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Analyst')).toBeTruthy();
  });
});
