FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
# The project and its dependencies, installed as a package; the processes run from this
# folder, where the templates and static files are.
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
RUN DEBUG=1 python manage.py collectstatic --no-input
# A numeric user, so that Kubernetes' runAsNonRoot can verify it (deploy/k8s).
RUN useradd --system --uid 10001 cad && chown -R cad /app
USER 10001
EXPOSE 8000
# The web process; the worker and beat run the same image with their own command
# and healthcheck (docker-compose.yml, deploy/k8s). /healthz answers while the web serves.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["uvicorn", "cad.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false", "--no-access-log"]
