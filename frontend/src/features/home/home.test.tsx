import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ana, fakeApi, renderApp, signedInRoutes } from '@/test/fakeApi';

describe('home', () => {
  it('a signed-in user opening sign in goes home; an unverified one is reminded', async () => {
    fakeApi(signedInRoutes({ ...ana, full_name: null as unknown as string, email_verified: false }));
    renderApp('/sign-in');
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeTruthy();
    expect(screen.getByText('Your email is not confirmed yet.')).toBeTruthy();
  });
});
