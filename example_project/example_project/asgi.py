"""ASGI entry point: ``uvicorn example_project.asgi:application``."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

application = get_asgi_application()

if settings.DEBUG:
    # runserver serves static files in DEBUG; uvicorn does not, and the refresh page needs
    # supertokens-web-js from them. In production a web server or CDN serves them instead.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)
