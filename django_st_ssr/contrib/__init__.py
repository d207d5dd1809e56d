"""Integrations with API frameworks (installed as extras: ``django-st-ssr[drf]``, ``[ninja]``).

The core app never imports them; each answers through ``django_st_ssr.responses``.
"""
