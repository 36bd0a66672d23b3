import { useQuery } from '@tanstack/react-query';
import { call } from '../api/api';

/*
 * One company's locations (archived ones too) and members, each one cache entry that every page reading it shares
 * (the dashboard's filter, the imports' location matching and uploader names, settings, team) and that their
 * writes invalidate.
 */
export const locationsKey = (companyId: string) => ['companies', companyId, 'locations'] as const;
export const membersKey = (companyId: string) => ['companies', companyId, 'members'] as const;

export function useLocations(companyId: string) {
  return useQuery({
    queryKey: locationsKey(companyId),
    queryFn: ({ signal }) => call('locations', { params: { company_id: companyId }, signal }),
  });
}

export function useMembers(companyId: string) {
  return useQuery({
    queryKey: membersKey(companyId),
    queryFn: ({ signal }) => call('members', { params: { company_id: companyId }, signal }),
  });
}
