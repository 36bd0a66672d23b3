import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { CompanyCreate, LocationCreate } from '@/shared/api/types';
import { asLocationError } from '@/shared/companies/fields';
import { myCompaniesKey } from '@/shared/companies/myCompanies';

/** POST /companies: the caller is its owner; the list of companies is read again (the new one's pages need it). */
export function useCreateCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyCreate) => call('createCompany', { body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: myCompaniesKey }),
  });
}

/** The new company's first location; its refused fields named as the form names them. */
export function useCreateFirstLocation() {
  return useMutation({
    mutationFn: ({ companyId, body }: { companyId: string; body: LocationCreate }) =>
      call('createLocation', { params: { company_id: companyId }, body }).catch((error: unknown) => {
        throw asLocationError(error);
      }),
  });
}

/** POST /companies/demo: a company of the caller's own that a job fills with generated sales. */
export function useCreateDemoCompany() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('createDemoCompany'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: myCompaniesKey }),
  });
}
