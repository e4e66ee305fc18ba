# One image for web, worker, beat and the sandbox AWS (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the locked runtime versions, each checked against its hash (requirements.lock; `make lock`).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# Static files: hashed, compressed copies that whitenoise serves (DEBUG off). The settings need secrets to load;
# throwaway random ones are made for this one command and kept nowhere.
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && DEBUG=false \
       SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
       python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 10001 app && mkdir -p /app/var/sandbox-state && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
