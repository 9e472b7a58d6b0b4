# One image for every process of the portal: web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production

# WeasyPrint needs Pango and HarfBuzz; fonts for Swedish text in PDFs; Node for front-end packages;
# pg_dump and pg_restore of PostgreSQL 15 (the compose file's server) for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation shared-mime-info \
        nodejs npm gettext postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock .

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

COPY . .
# collectstatic runs under production settings, which insist on a real key and host:
# placeholders are fine here because nothing is served during the build.
RUN SECRET_KEY=build-only-placeholder-key-that-is-long-enough-for-the-settings-check \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput

# /app/media holds files only without an object store (OBJECT_STORE_BUCKET unset): one host's disk.
RUN useradd --system --uid 1000 --home /app portal && mkdir -p /app/media && chown portal /app/media
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
