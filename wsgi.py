"""WSGI entry point for waitress or gunicorn: `waitress-serve wsgi:app`, `gunicorn wsgi:app`.

The configuration is chosen by ZUOFENG_ENV (development by default, production in deployment).
"""
from app import create_app

app = create_app()
