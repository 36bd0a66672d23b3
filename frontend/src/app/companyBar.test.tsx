import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, myCompany, renderApp, signedInRoutes } from '@/test/fakeApi';

function companies(...items: ReturnType<typeof myCompany>[]) {
  return fakeApi({
    ...signedInRoutes(),
    'GET /companies': () => json(200, { items }),
    'GET /companies/c1/members': () => json(200, { items: [] }),
    'GET /companies/c2/members': () => json(200, { items: [] }),
  });
}

const sections = (name: string) => screen.findByRole('navigation', { name: `${name} sections` });
const linkNames = (nav: HTMLElement) => within(nav).getAllByRole('link').map((a) => [a.textContent, a.getAttribute('href')]);

describe("the company's navigation", () => {
  it('a viewer sees the dashboard and the team, not imports or settings; the page open is marked', async () => {
    companies(myCompany({ role: 'viewer' }));
    renderApp('/c/c1/team');
    const nav = await sections('Tienda Sur');
    expect(linkNames(nav)).toEqual([
      ['Dashboard', '/c/c1'],
      ['Team', '/c/c1/team'],
    ]);
    expect(within(nav).getByRole('link', { name: 'Team' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBeNull();
    // One company: its name, no switcher.
    expect(screen.getByText('Tienda Sur', { selector: '.companybar__name' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Switch company/ })).toBeNull();
  });

  it('a manager sees every section, in Spanish too', async () => {
    companies(myCompany({ role: 'manager' }));
    renderApp('/c/c1', 'es');
    const nav = await screen.findByRole('navigation', { name: 'Secciones de Tienda Sur' });
    expect(linkNames(nav)).toEqual([
      ['Panel', '/c/c1'],
      ['Importar', '/c/c1/imports'],
      ['Equipo', '/c/c1/team'],
      ['Ajustes', '/c/c1/settings'],
    ]);
    expect(within(nav).getByRole('link', { name: 'Panel' }).getAttribute('aria-current')).toBe('page');
  });

  it('is not shown outside a company', async () => {
    companies(myCompany({ role: 'owner' }));
    renderApp('/account');
    await screen.findByRole('heading', { name: 'My account' });
    expect(screen.queryByRole('navigation', { name: /sections/ })).toBeNull();
  });
});

describe('the company switcher', () => {
  const two = () => companies(myCompany({ role: 'owner' }), myCompany({ id: 'c2', name: 'Café Norte', role: 'viewer' }));

  it('lists the companies with their roles, the current one marked, and goes to another', async () => {
    two();
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Tienda Sur (Switch company)' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    await user.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const menu = document.getElementById(button.getAttribute('aria-controls')!)!;
    expect(within(menu).getAllByRole('link').map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Tienda Sur Owner', '/c/c1'],
      ['Café Norte Viewer', '/c/c2'],
      ['All your companies', '/companies'],
      ['Create another company', '/companies/new'],
    ]);
    expect(within(menu).getByRole('link', { name: 'Tienda Sur Owner' }).getAttribute('aria-current')).toBe('true');
    await user.click(within(menu).getByRole('link', { name: 'Café Norte Viewer' }));
    expect(await sections('Café Norte')).toBeTruthy();
    expect(window.location.pathname).toBe('/c/c2');
    expect(screen.getByRole('button', { name: 'Café Norte (Switch company)' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('closes on Escape, giving the focus back to its button, and on a click outside', async () => {
    two();
    renderApp('/c/c1/team');
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Tienda Sur (Switch company)' });
    await user.click(button);
    await user.keyboard('{Escape}');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
    await user.click(button);
    fireEvent.pointerDown(screen.getByRole('main'));
    await waitFor(() => expect(button.getAttribute('aria-expanded')).toBe('false'));
  });
});

describe('pages a role may not open', () => {
  it('a viewer opening settings by its address is told so, with the way back', async () => {
    companies(myCompany({ role: 'viewer' }));
    renderApp('/c/c1/settings');
    expect(await screen.findByRole('heading', { name: 'You cannot open this page' })).toBeTruthy();
    expect(screen.getByText(/Your role in Tienda Sur is Viewer, and that role cannot see this page/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to the Tienda Sur dashboard' }).getAttribute('href')).toBe('/c/c1');
  });

  it('an analyst too (settings are for managers and owners)', async () => {
    const api = companies(myCompany({ role: 'analyst' }));
    renderApp('/c/c1/settings', 'es');
    expect(await screen.findByRole('heading', { name: 'No tienes acceso a esta página' })).toBeTruthy();
    expect(api.count('GET /companies/c1/locations')).toBe(0);
  });
});
