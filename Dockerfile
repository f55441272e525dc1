# Production image: gunicorn serving the site, whitenoise serving static files.
FROM python:3.13-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DJANGO_SETTINGS_MODULE=ersi_practices.settings.production
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --noinput
RUN useradd --create-home ersi && mkdir -p /app/var/media && chown -R ersi /app/var
USER ersi
EXPOSE 8000
CMD ["gunicorn", "ersi_practices.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
