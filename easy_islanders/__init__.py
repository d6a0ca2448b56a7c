"""The Django project. Importing it loads the Celery app, so `celery -A easy_islanders` works."""

from easy_islanders.celery import app as celery_app

__all__ = ["celery_app"]
