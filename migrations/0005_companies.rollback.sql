-- Grants and policies go with their tables and function. One statement: a policy of companies reads
-- memberships and memberships refers to companies, so neither can be dropped before the other.
DROP FUNCTION company_purge();
DROP FUNCTION company_mark_deleting();
DROP FUNCTION invitation_by_token(bytea);
DROP TABLE invitations, locations, memberships, companies;
