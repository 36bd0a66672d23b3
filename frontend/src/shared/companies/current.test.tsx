import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { fakeApi, json, myCompany, problem, renderWithProviders, signedInRoutes } from '@/test/fakeApi';
import type { Role } from '../api/types';
import { can, CompanyScope, useCompany, type Right } from './current';

function CompanyName() {
  const company = useCompany();
  return <p>{`${company.name} as ${company.role}`}</p>;
}

function renderScope(path: string) {
  window.history.pushState({}, '', path);
  return renderWithProviders(
    <Routes>
      <Route path="c/:companyId" element={<CompanyScope />}>
        <Route index element={<CompanyName />} />
      </Route>
    </Routes>,
  );
}

describe('can', () => {
  const table: Record<Right, Role[]> = {
    read: ['viewer', 'analyst', 'manager', 'owner'],
    export: ['analyst', 'manager', 'owner'],
    import: ['manager', 'owner'],
    settings: ['manager', 'owner'],
    invite: ['manager', 'owner'],
    members: ['owner'],
    delete: ['owner'],
  };
  const roles: Role[] = ['viewer', 'analyst', 'manager', 'owner'];
  for (const [right, allowed] of Object.entries(table) as [Right, Role[]][]) {
    it(`grants ${right} to ${allowed.join(', ')} only`, () => {
      expect(roles.filter((role) => can(role, right))).toEqual(allowed);
    });
  }
});

describe('CompanyScope', () => {
  it('gives its pages the company of the address, with the caller role', async () => {
    fakeApi({
      ...signedInRoutes(),
      'GET /companies': () => json(200, { items: [myCompany({ id: 'c1' }), myCompany({ id: 'c2', name: 'Otra', role: 'owner' })] }),
    });
    renderScope('/c/c2');
    expect(await screen.findByText('Otra as owner')).toBeTruthy();
  });

  it('answers a company the caller is not in with the not-found page', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => json(200, { items: [myCompany({ id: 'c1' })] }) });
    renderScope('/c/c9');
    expect(await screen.findByTestId('not-found')).toBeTruthy();
  });

  it('offers a retry when the list cannot be read', async () => {
    fakeApi({ ...signedInRoutes(), 'GET /companies': () => problem(500) });
    renderScope('/c/c1');
    expect(await screen.findByRole('button', { name: 'Retry' }, { timeout: 5000 })).toBeTruthy();
  });
});
