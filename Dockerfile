# Newswatch service image. The same package as `make run`, installed from the pinned constraints.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NEWSWATCH_HOME=/data
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY monitor ./monitor
COPY spiders ./spiders
COPY alerts ./alerts
RUN pip install --no-cache-dir -c constraints.txt -e . && useradd --create-home newswatch && mkdir -p /data \
    && chown newswatch /data
USER newswatch
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["newswatch", "run", "--host", "0.0.0.0", "--port", "8000"]
