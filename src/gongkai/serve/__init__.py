"""`gongkai serve`: the web face for offices, writers and researchers (Starlette + Jinja2 + htmx)."""
