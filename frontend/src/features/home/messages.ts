/** Home: the list of the user's companies (`/companies`). */
export const homeEs = {
  'home.companies': 'Tus empresas',
  'home.companies.intro': 'Elige una para ver su panel.',
  'home.companies.none': 'Aún no eres parte de ninguna empresa: crea la tuya, o abre el enlace del correo si te invitaron a una.',
  'home.companies.rut': 'RUT {rut}',
  'home.companies.new': 'Crear una empresa',
} as const;

export const homeEn: Record<keyof typeof homeEs, string> = {
  'home.companies': 'Your companies',
  'home.companies.intro': 'Choose one to see its dashboard.',
  'home.companies.none': 'You are not part of any company yet: create yours, or open the link in the email if you were invited to one.',
  'home.companies.rut': 'RUT {rut}',
  'home.companies.new': 'Create a company',
};
