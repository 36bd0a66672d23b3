import { dashboardEn, dashboardEs } from '@/features/dashboard/messages';
import { importsEn, importsEs } from '@/features/imports/messages';
import { onboardingEn, onboardingEs } from '@/features/onboarding/messages';
import { settingsEn, settingsEs } from '@/features/settings/messages';
import { teamEn, teamEs } from '@/features/team/messages';
import { registerTexts, type Texts } from '@/shared/i18n/i18n';

/** The texts that come with their page's chunk (each page calls registerTexts): tests read and check them all. */
export const lazyTexts: Record<string, Texts> = {
  dashboard: { es: dashboardEs, en: dashboardEn },
  imports: { es: importsEs, en: importsEn },
  onboarding: { es: onboardingEs, en: onboardingEn },
  settings: { es: settingsEs, en: settingsEn },
  team: { es: teamEs, en: teamEn },
};

/** Every text of the app, as if every page had come: for a test that looks up any of them by key. */
export function registerAllTexts(): void {
  for (const texts of Object.values(lazyTexts)) registerTexts(texts);
}
