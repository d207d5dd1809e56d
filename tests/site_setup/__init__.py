"""How a site is put together around the app: CORS, template overrides, Django 6's CSP, the
README's testing snippets. One verification path is enough here (tests/app runs three)."""
