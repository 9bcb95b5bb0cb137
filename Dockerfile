# One image for every Python process of Fragmart; MODULE picks the app (e.g. services.orders), PORT its port.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && mkdir -p vendor && cp node_modules/htmx.org/dist/htmx.min.js vendor/

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
COPY --from=assets /build/vendor/ static/vendor/
RUN useradd --system --uid 10001 --home-dir /app fragmart && mkdir -p /app/.keys && chown fragmart /app/.keys
USER fragmart
ENV MODULE=gateway PORT=5000 WORKERS=2 THREADS=8 KEYS_DIR=/app/.keys
# Every app's port: written by `python -m devstack.containers` from the process table.
EXPOSE 3000 3001 3002 3003 3004 3005 3006 3007 4001 4002 4003 4004 4005 4006 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"
CMD ["sh", "-c", "exec gunicorn --config gunicorn.conf.py --workers \"$WORKERS\" --threads \"$THREADS\" --bind \"0.0.0.0:$PORT\" --timeout 60 --graceful-timeout 5 --no-control-socket \"$MODULE:create_app()\""]
