-- Accounts and sessions (issue 3). Secrets are stored only as hashes: argon2id for passwords, SHA-256 for
-- the ids of refresh tokens and for the one-time tokens of email verification and password reset.

CREATE TABLE users (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Normalized by the API (trimmed, lower-case); the check keeps any other writer honest.
    email             text NOT NULL,
    password_hash     text NOT NULL,
    full_name         text NOT NULL DEFAULT '',
    email_verified_at timestamptz,
    disabled          boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_normalized CHECK (
        email = lower(btrim(email)) AND char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1
    ),
    CONSTRAINT users_full_name_length CHECK (char_length(full_name) <= 200)
);

CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

-- One row per sign-in: a refresh-token family. Only the SHA-256 of the jti of the one refresh token that
-- may still be spent is kept; rotating swaps it with a conditional UPDATE, so of two concurrent refreshes
-- exactly one wins. Access tokens carry the session id and die with the session.
CREATE TABLE auth_sessions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    current_jti_hash bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    revoked_reason   text,
    CONSTRAINT auth_sessions_jti_hash_sha256 CHECK (octet_length(current_jti_hash) = 32),
    CONSTRAINT auth_sessions_revoked_reason CHECK (
        (revoked_at IS NULL AND revoked_reason IS NULL)
        OR (revoked_at IS NOT NULL AND revoked_reason IN
            ('logout', 'logout_all', 'password_change', 'password_reset', 'reuse'))
    )
);

CREATE INDEX auth_sessions_user_live ON auth_sessions (user_id) WHERE revoked_at IS NULL;

-- Email verification (24 h) and password reset (1 h) tokens: random, single-use, stored as SHA-256.
CREATE TABLE auth_one_time_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CONSTRAINT auth_one_time_tokens_hash_key UNIQUE (token_hash),
    CONSTRAINT auth_one_time_tokens_hash_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT auth_one_time_tokens_purpose CHECK (purpose IN ('verify_email', 'password_reset'))
);

CREATE INDEX auth_one_time_tokens_user_unused ON auth_one_time_tokens (user_id, purpose) WHERE used_at IS NULL;
