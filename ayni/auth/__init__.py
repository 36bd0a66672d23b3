"""Accounts and authentication: tokens (pure JWT), passwords (argon2id), store (SQL), throttle (Redis),
emails (the send_email actor), routes (/api/v1/auth and `authenticate`)."""
