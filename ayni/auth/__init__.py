"""Accounts and sessions: routes (/api/v1/auth: thin handlers and the route table), sessions (the bearer
token, `authenticate`, the refresh cookie, the session flows), accounts (the account flows), passwords (argon2id
and the policy), tokens (JWT, pure), throttle (sign-in limits), schemas, store (SQL), emails (templates and
delivery), actors (the send_email job, the purge of dead credentials)."""
