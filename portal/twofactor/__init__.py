"""The second factor at sign-in: TOTP with an authenticator app and one-time recovery codes."""
