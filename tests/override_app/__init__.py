"""An app overriding the refresh page's base template.

Used by tests/site_setup/test_template_overrides.py.
"""
