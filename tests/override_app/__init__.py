"""An app overriding the refresh page's base template (tests/app/test_template_overrides.py)."""
