import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { CompanyUpdate, Location, LocationCreate, LocationUpdate } from '@/shared/api/types';
import { asLocationError } from '@/shared/companies/fields';
import { locationsKey } from '@/shared/companies/lists';
import { dropMyCompany, updateMyCompany } from '@/shared/companies/myCompanies';

/** PATCH /companies/{id} with the fields that changed; the answer goes straight into the list of companies. */
export function useUpdateCompany(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompanyUpdate) => call('updateCompany', { params: { company_id: companyId }, body }),
    onSuccess: (company) => updateMyCompany(queryClient, company),
  });
}

/** DELETE /companies/{id} (202: a job erases its data): the company leaves the list at once. */
export function useDeleteCompany(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) => call('deleteCompany', { params: { company_id: companyId }, body: { confirm_name: confirmName } }),
    onSuccess: () => dropMyCompany(queryClient, companyId),
  });
}

/** The writes of the location list: each re-reads it, and names refused fields as the location forms do. */
function useLocationWrite<V, A>(companyId: string, write: (params: { company_id: string }, variables: V) => Promise<A>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) =>
      write({ company_id: companyId }, variables).catch((error: unknown) => {
        throw asLocationError(error);
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: locationsKey(companyId) }),
  });
}

export function useCreateLocation(companyId: string) {
  return useLocationWrite(companyId, (params, body: LocationCreate) => call('createLocation', { params, body }));
}

export function useUpdateLocation(companyId: string) {
  return useLocationWrite(companyId, (params, { id, body }: { id: string; body: LocationUpdate }) =>
    call('updateLocation', { params: { ...params, location_id: id }, body }),
  );
}

/**
 * DELETE a location: the API archives one with sales (200, the location) and deletes one without (204). The
 * answer says which: the archived location, or undefined.
 */
export function useRemoveLocation(companyId: string) {
  return useLocationWrite(companyId, async (params, id: string): Promise<Location | undefined> =>
    call('removeLocation', { params: { ...params, location_id: id } }),
  );
}
