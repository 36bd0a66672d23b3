import { lazy, Suspense, type ComponentType } from 'react';
import { Route, Routes } from 'react-router';
import { Account } from '@/features/account/pages/Account';
import { CheckEmail } from '@/features/auth/pages/CheckEmail';
import { ForgotPassword } from '@/features/auth/pages/ForgotPassword';
import { Register } from '@/features/auth/pages/Register';
import { ResetPassword } from '@/features/auth/pages/ResetPassword';
import { SignIn } from '@/features/auth/pages/SignIn';
import { VerifyEmail } from '@/features/auth/pages/VerifyEmail';
import { Companies } from '@/features/home/pages/Companies';
import { DashboardSkeleton } from '@/features/dashboard/components/Skeleton';
import { Home } from '@/features/home/pages/Home';
import { ImportDetail } from '@/features/imports/pages/ImportDetail';
import { Imports } from '@/features/imports/pages/Imports';
import { AcceptInvitation } from '@/features/invitations/pages/AcceptInvitation';
import { NewCompany } from '@/features/onboarding/pages/NewCompany';
import { Start } from '@/features/onboarding/pages/Start';
import { Settings } from '@/features/settings/pages/Settings';
import { Status } from '@/features/status/pages/Status';
import { Team } from '@/features/team/pages/Team';
import { CompanyScope, RequireRight } from '@/shared/companies/current';
import type { Lang } from '@/shared/i18n/i18n';
import { PublicOnly, RequireAuth } from './guards';
import { Layout } from './Layout';
import { NotFound } from '@/shared/ui/NotFound';
import { AppProviders } from './providers';

// The dashboard is its own chunk (the chart library with it): only a company's pages load it. Opened directly (a
// reload, a shared link), its code is fetched at once, beside the session and the company rather than after them,
// and once here it renders without suspending: React holds a suspended page back up to 300 ms after its fallback
// showed (its Suspense throttle), which the dashboard's budget of 1.5 s cannot spare.
let Dashboard: ComponentType | null = null;
const loadDashboard = () =>
  import('@/features/dashboard/pages/Dashboard').then((page) => {
    Dashboard = page.default;
    return page;
  });
const LazyDashboard = lazy(loadDashboard);
if (/^\/c\/[^/]+\/?$/.test(window.location.pathname)) void loadDashboard();

function DashboardRoute() {
  if (Dashboard) return <Dashboard />;
  return (
    <Suspense fallback={<DashboardSkeleton />}>
      <LazyDashboard />
    </Suspense>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route element={<RequireAuth />}>
          <Route index element={<Home />} />
          <Route path="account" element={<Account />} />
          <Route path="companies" element={<Companies />} />
          <Route path="companies/new" element={<NewCompany />} />
          {/* One company's pages: /c/:companyId/... (dashboard, imports, settings, team). */}
          <Route path="c/:companyId" element={<CompanyScope />}>
            <Route path="start" element={<Start />} />
            <Route path="team" element={<Team />} />
            <Route element={<RequireRight right="settings" />}>
              <Route path="settings" element={<Settings />} />
            </Route>
            <Route index element={<DashboardRoute />} />
            <Route element={<RequireRight right="import" />}>
              <Route path="imports" element={<Imports />} />
              <Route path="imports/:importId" element={<ImportDetail />} />
            </Route>
          </Route>
        </Route>
        <Route element={<PublicOnly />}>
          <Route path="sign-in" element={<SignIn />} />
          <Route path="register" element={<Register />} />
        </Route>
        <Route path="check-your-email" element={<CheckEmail />} />
        <Route path="verify-email" element={<VerifyEmail />} />
        <Route path="forgot-password" element={<ForgotPassword />} />
        <Route path="reset-password" element={<ResetPassword />} />
        <Route path="invitations/accept" element={<AcceptInvitation />} />
        <Route path="status" element={<Status />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App({ lang }: { lang?: Lang }) {
  return (
    <AppProviders lang={lang}>
      <AppRoutes />
    </AppProviders>
  );
}
