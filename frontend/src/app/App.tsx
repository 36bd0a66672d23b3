import { Route, Routes } from 'react-router';
import { Account } from '@/features/account/pages/Account';
import { CheckEmail } from '@/features/auth/pages/CheckEmail';
import { ForgotPassword } from '@/features/auth/pages/ForgotPassword';
import { Register } from '@/features/auth/pages/Register';
import { ResetPassword } from '@/features/auth/pages/ResetPassword';
import { SignIn } from '@/features/auth/pages/SignIn';
import { VerifyEmail } from '@/features/auth/pages/VerifyEmail';
import { Home } from '@/features/home/pages/Home';
import { ImportDetail } from '@/features/imports/pages/ImportDetail';
import { Imports } from '@/features/imports/pages/Imports';
import { AcceptInvitation } from '@/features/invitations/pages/AcceptInvitation';
import { Status } from '@/features/status/pages/Status';
import { CompanyScope } from '@/shared/companies/current';
import type { Lang } from '@/shared/i18n/i18n';
import { PublicOnly, RequireAuth } from './guards';
import { Layout } from './Layout';
import { NotFound } from '@/shared/ui/NotFound';
import { AppProviders } from './providers';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route element={<RequireAuth />}>
          <Route index element={<Home />} />
          <Route path="account" element={<Account />} />
          {/* One company's pages: /c/:companyId/... (dashboard, imports, settings, team). */}
          <Route path="c/:companyId" element={<CompanyScope />}>
            <Route path="imports" element={<Imports />} />
            <Route path="imports/:importId" element={<ImportDetail />} />
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
