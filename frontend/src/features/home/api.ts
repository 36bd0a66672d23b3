import { useQuery } from '@tanstack/react-query';
import { myCompaniesQuery } from '@/shared/companies/myCompanies';

/** The caller's companies with their role, re-read each time Home opens (an invitation may have been accepted). */
export function useMyCompanies() {
  return useQuery({ ...myCompaniesQuery, staleTime: 0, refetchOnMount: 'always' });
}
