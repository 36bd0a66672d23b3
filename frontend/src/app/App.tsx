import { Route, Routes } from 'react-router';
import { CheckEmail } from '@/features/auth/pages/CheckEmail';
import { ForgotPassword } from '@/features/auth/pages/ForgotPassword';
import { Register } from '@/features/auth/pages/Register';
import { ResetPassword } from '@/features/auth/pages/ResetPassword';
import { SignIn } from '@/features/auth/pages/SignIn';
import { VerifyEmail } from '@/features/auth/pages/VerifyEmail';
import { DashboardSkeleton } from '@/features/dashboard/components/Skeleton';
import { Home } from '@/features/home/pages/Home';
import { AcceptInvitation } from '@/features/invitations/pages/AcceptInvitation';
import { CompanyScope, RequireRight } from '@/shared/companies/current';
import type { Lang } from '@/shared/i18n/i18n';
import { NotFound } from '@/shared/ui/NotFound';
import { PublicOnly, RequireAuth } from './guards';
import { Layout } from './Layout';
import { lazyPage } from './lazyPage';
import { AppProviders } from './providers';

// Signing in and up is what every visitor's first load shows; the rest of the app comes in chunks of its own
// when first opened. The dashboard's (with the chart library) is the one a signed-in user lands on: opened directly
// (a reload, a shared link) its code is fetched at once, beside the session and the company rather than after them.
const Dashboard = lazyPage(() => import('@/features/dashboard/pages/Dashboard').then((m) => m.default), <DashboardSkeleton />);
if (/^\/c\/[^/]+\/?$/.test(window.location.pathname)) void Dashboard.preload();
const Imports = lazyPage(() => import('@/features/imports/pages/Imports').then((m) => m.Imports));
const ImportDetail = lazyPage(() => import('@/features/imports/pages/ImportDetail').then((m) => m.ImportDetail));
const Settings = lazyPage(() => import('@/features/settings/pages/Settings').then((m) => m.Settings));
const Team = lazyPage(() => import('@/features/team/pages/Team').then((m) => m.Team));
const NewCompany = lazyPage(() => import('@/features/onboarding/pages/NewCompany').then((m) => m.NewCompany));
const Start = lazyPage(() => import('@/features/onboarding/pages/Start').then((m) => m.Start));
const Companies = lazyPage(() => import('@/features/home/pages/Companies').then((m) => m.Companies));
const Account = lazyPage(() => import('@/features/account/pages/Account').then((m) => m.Account));
const Status = lazyPage(() => import('@/features/status/pages/Status').then((m) => m.Status));

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
            <Route index element={<Dashboard />} />
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
