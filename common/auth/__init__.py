"""Who is calling: tokens verified against the JWKS, the session cookies that carry them, signed order links."""
