FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
# The project and its dependencies, installed as a package; the processes run from this
# folder, where the templates and static files are.
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
RUN DEBUG=1 python manage.py collectstatic --no-input
RUN useradd --system cad && chown -R cad /app
USER cad
EXPOSE 8000
CMD ["uvicorn", "cad.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"]
