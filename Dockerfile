# The production image: gunicorn serving Django, static files collected and served by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# psycopg[binary] ships its own libpq, so the slim image needs no build tools or apt packages.
COPY . .
# Runtime dependencies only; pytest, Playwright and ruff stay out of the image.
RUN pip install --no-cache-dir . && rm -rf build *.egg-info

# Hashed, compressed static files are built into the image; settings pick the manifest storage
# when DEBUG is off. They refuse to load without a strong SECRET_KEY and a mail server, so the
# build uses a throwaway key (never stored in the image) and no password reset.
RUN DEBUG=false PASSWORD_RESET=false \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput

# The app never needs to write to its own code, so it runs as an unprivileged user.
RUN useradd --system --no-create-home --uid 10001 app
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
