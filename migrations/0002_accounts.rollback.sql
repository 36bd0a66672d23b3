DROP TABLE auth_one_time_tokens;
DROP TABLE auth_sessions;
DROP TABLE users;
