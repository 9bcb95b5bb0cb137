"""The HTML apps (the shell and the fragments): their bootstrap, htmx, caching headers, CSRF, form keys."""
