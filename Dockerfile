# syntax=docker/dockerfile:1
# One image for every server of the assistant; its first argument picks the server
# (deploy/docker/entrypoint.sh: rasa, actions, widget, purge). docs/deploy.md, "Containers".
#   docker build -t calcifications:1.0.0 .                 # the servers (the last stage)
#   docker build --target proxy -t calcifications-proxy:1.0.0 .   # nginx for deploy/compose.yaml
# Self-contained: the widget, the spaCy pipelines and the model are built here, as `make widget`,
# `make spacy-model` and `make train` build them. No secret is read at build time.

# --- The website widget: socket.io-client from the npm lock, bundled (scripts/build_widget.sh).
FROM node:22-bookworm-slim AS widget
WORKDIR /src
COPY widget/package.json widget/package-lock.json widget/build.mjs widget/
COPY widget/src widget/src
RUN npm ci --prefix widget --no-audit --no-fund --loglevel=error \
    && node widget/build.mjs build/widget

# --- The venv with the pinned packages, as `make install` makes it (Rasa 3.6 needs Python 3.10).
FROM python:3.10-slim-bookworm AS venv
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.lock requirements-nodeps.txt ./
RUN python -m venv /app/.venv \
    && /app/.venv/bin/python -m pip install --no-cache-dir --quiet 'pip==24.0' \
    && /app/.venv/bin/python -m pip install --no-cache-dir --quiet -r requirements.lock \
    && /app/.venv/bin/python -m pip install --no-cache-dir --quiet --no-deps -r requirements-nodeps.txt
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONPATH=/app \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_TELEMETRY_ENABLED=false

# --- The project, its spaCy pipelines and the trained model (the Makefile's commands).
FROM venv AS builder
COPY . .
COPY --from=widget /src/build/widget build/widget
# No training cache is kept in the image (RASA_MAX_CACHE_SIZE=0).
RUN python -m bot.nlp.pipeline build/spacy/en_calcifications \
    && python -m bot.nlp.pipeline build/spacy/es_calcifications es \
    && RASA_MAX_CACHE_SIZE=0 rasa train --force --fixed-model-name calcifications --out models \
    && rm -rf .rasa

# --- nginx's configuration for deploy/compose.yaml, rendered from deploy/nginx.conf.template
# by tools/prod/nginx.py as `make run-prod` renders it (the rate-limit reply from answers.yml).
FROM venv AS proxy-config
ARG RATE_LIMIT_PER_MIN=60
ARG MAX_BODY=64k
ARG TRUSTED_PROXIES=127.0.0.1
ARG RASA_UPSTREAMS="rasa-1:5005 rasa-2:5005"
ARG WIDGET_UPSTREAM=widget:8080
COPY bot bot
COPY tools tools
COPY deploy/nginx.conf.template deploy/
RUN PROXY_LISTEN=0.0.0.0:8000 NGINX_ACCESS_LOG=/dev/stdout NGINX_ERROR_LOG=stderr \
    RATE_LIMIT_PER_MIN="$RATE_LIMIT_PER_MIN" MAX_BODY="$MAX_BODY" \
    TRUSTED_PROXIES="$TRUSTED_PROXIES" RASA_UPSTREAMS="$RASA_UPSTREAMS" \
    WIDGET_UPSTREAM="$WIDGET_UPSTREAM" \
    python -m tools.prod.nginx /out --run-dir /tmp

# --- nginx in front of the compose services: unprivileged, config baked in, temp files in /tmp.
FROM nginx:1.28-alpine-slim AS proxy
COPY --from=proxy-config /out/nginx.conf /etc/nginx/calcifications.conf
# nginx's own unprivileged user in the official image
USER 101:101
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8000/health"]
ENTRYPOINT ["nginx", "-c", "/etc/nginx/calcifications.conf", "-g", "daemon off;"]

# --- The servers: the venv and the built project, owned by root and read-only to the server.
FROM python:3.10-slim-bookworm AS runtime
RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid app --no-create-home --home-dir /tmp --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /app/.venv .venv
COPY --from=builder /app/bot bot
COPY --from=builder /app/actions actions
COPY --from=builder /app/build/spacy build/spacy
COPY --from=builder /app/build/widget build/widget
COPY --from=builder /app/models models
COPY --from=builder /app/widget/demo widget/demo
COPY --from=builder /app/deploy/endpoints.prod.yml deploy/
COPY --from=builder /app/deploy/docker deploy/docker
COPY --from=builder ["/app/config.yml", "/app/domain.yml", "/app/credentials.yml", "/app/endpoints.yml", "./"]
# Rasa writes only temporary files (the unpacked model) and its telemetry settings under HOME;
# both go to /tmp, the one writable place (a tmpfs or emptyDir in deploy/).
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_TELEMETRY_ENABLED=false \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
USER 10001:10001
EXPOSE 5005 5055 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "/app/deploy/docker/healthcheck.py"]
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["rasa"]
