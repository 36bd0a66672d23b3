# One image for the API, the worker and the migrations:
#   docker run IMAGE                  -> ayni serve   (binds $PORT, default 8000)
#   docker run IMAGE worker           -> ayni worker
#   docker run IMAGE migrate apply    -> ayni migrate apply (once per deploy, before the new API serves)
#
# BASE_IMAGE: any Debian 12 based image. The default is the official Python 3.11 image pinned by digest;
# a plain Debian 12 image works too (python3 3.11 then comes from Debian's packages), which is how
# scripts/image-test builds it on machines that cannot pull from a registry:
#   buildah bud --build-arg BASE_IMAGE=localhost/debian:bookworm-slim ...
# Reproducible: build with a fixed timestamp (buildah --timestamp "$SOURCE_DATE_EPOCH",
# docker buildx with SOURCE_DATE_EPOCH and rewrite-timestamp=true); bytecode is compiled with a fixed hash
# seed in unchecked-hash mode, so it is byte-stable.
ARG BASE_IMAGE=docker.io/library/python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

# ---------------------------------------------------------------------------------------------------
# builder: dependencies from uv.lock only, every file checked against the lock's hashes.
FROM ${BASE_IMAGE} AS builder
SHELL ["/bin/sh", "-eu", "-c"]
# PIP_CERT: a CA bundle for pip (e.g. a mounted /hostcerts/ca-certificates.crt behind a TLS proxy).
ARG PIP_CERT=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_NO_INPUT=1 \
    PYTHONDONTWRITEBYTECODE=1
# Python 3.11 with venv: the official image has it; on plain Debian 12 it comes from Debian's packages.
# hadolint ignore=DL3008
RUN if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, not " + sys.version'
WORKDIR /src
# Build tools, pinned by hash: uv (the version in uv.lock, to export the lock) and hatchling (the build
# backend in pyproject.toml, to build the project's own wheel).
RUN printf '%s\n' \
      'uv==0.13.9 --hash=sha256:d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19 --hash=sha256:5435c5ce14a56431208ca0996416d310f1598e8c2c8ba707688985a16bb82dbe --hash=sha256:ecb6028d79dc96fbeafffe5c8af62a7099487ebc05a701e76714eebcffd06375 --hash=sha256:2c45530751517d6c3bbc69a19473f6effe47cce047bede01ffd8af7ea7b36b25' \
      'hatchling==1.33.0 --hash=sha256:415290b84f464d2884303fca8974d38e7b85579069fab02a15db0828fbb1446d --hash=sha256:4c422bd4d554fcff5de5b73e9596f85e41e9f97f7e553d8f7595ecb31a627bef' \
      'packaging==26.4 --hash=sha256:81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2 --hash=sha256:c4b671c41ddb9bf26e543c37723610d28fb6bf7affc4da17cf048d419d2c062a' \
      'pathspec==1.1.1 --hash=sha256:17db5ecd524104a120e173814c90367a96a98d07c45b2e10c2f3919fff91bf5a --hash=sha256:a00ce642f577bf7f473932318056212bc4f8bfdf53128c78bbd5af0b9b20b189' \
      'pluggy==1.7.0 --hash=sha256:7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec --hash=sha256:d1eaa46ebb595891b860ab086b4d09c8588af65ebd4361b8e8f4bb8920b90ba8' \
      'tomlkit==0.15.2 --hash=sha256:05562412163a3037b94497385fb7f9204c637bc605af7a48199e41cf2272f437 --hash=sha256:83e32755ba1d20d9340bd069ee97e9f6232ba2346b63ffcba425de01f7e327a6' \
      'trove-classifiers==2026.9.21.13 --hash=sha256:0a9ebc8d4e2f3e8a22848c5258033035bec17a3012ac3fea16dbaa764489eb71 --hash=sha256:8b1ff4f9c191b1040b71c37f1e445ab99732911e3cd91de52838453a854d7a17' \
      > /tmp/build-tools.txt; \
    if [ -z "${PIP_CERT}" ]; then unset PIP_CERT; fi; \
    python3 -m venv /opt/tools; \
    /opt/tools/bin/python -m pip install --require-hashes --only-binary=:all: --no-compile -r /tmp/build-tools.txt
COPY pyproject.toml uv.lock README.md ./
# Runtime dependencies: `uv export` of the lock (no dev extras, not the project), installed by pip with
# --require-hashes into the application's virtualenv. Wheels only: no compiler in any stage.
RUN if [ -z "${PIP_CERT}" ]; then unset PIP_CERT; fi; \
    /opt/tools/bin/uv export --frozen --no-dev --no-emit-project --format requirements-txt \
      -o /tmp/requirements.txt; \
    python3 -m venv --without-pip /opt/venv; \
    /opt/tools/bin/python -m pip --python /opt/venv/bin/python install --require-hashes --no-deps \
      --only-binary=:all: --no-compile -r /tmp/requirements.txt
COPY ayni ./ayni
COPY migrations ./migrations
# The project's own wheel (migrations ride along as ayni/_migrations), then byte-stable bytecode:
# a fixed hash seed and unchecked-hash .pyc files (no source mtimes inside).
RUN /opt/tools/bin/python -m pip wheel --no-deps --no-build-isolation --no-index -w /tmp/dist . ; \
    /opt/tools/bin/python -m pip --python /opt/venv/bin/python install --no-deps --no-index --no-compile \
      /tmp/dist/ayni-*.whl; \
    rm -f /opt/venv/lib/python3.11/site-packages/ayni-*.dist-info/direct_url.json; \
    find /opt/venv -name __pycache__ -prune -exec rm -rf {} +; \
    PYTHONHASHSEED=0 /opt/venv/bin/python -m compileall -q -j 1 --invalidation-mode unchecked-hash \
      /opt/venv/lib/python3.11/site-packages; \
    /opt/venv/bin/python -c 'import ayni'

# ---------------------------------------------------------------------------------------------------
# runtime: the interpreter, the virtualenv, an unprivileged user. No compiler, no pip cache, no build tools.
# Its own FROM the base (not FROM builder): the image's history then names only the pinned base.
FROM ${BASE_IMAGE} AS runtime
SHELL ["/bin/sh", "-eu", "-c"]
# Python 3.11 from Debian when the base has none. Package versions come with the base's release
# (bookworm); logs and caches that carry the build time are removed so the layer is byte-stable.
# hadolint ignore=DL3008
RUN if ! command -v python3 >/dev/null 2>&1; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 ca-certificates; \
      rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
             /var/log/alternatives.log /var/cache/debconf/*-old /var/lib/dpkg/*-old \
             /var/cache/ldconfig/aux-cache; \
    fi; \
    python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, not " + sys.version'
# A fixed uid/gid written directly (useradd would stamp today's date into /etc/shadow).
RUN printf 'ayni:x:10001:10001:Ayni:/home/ayni:/usr/sbin/nologin\n' >> /etc/passwd; \
    printf 'ayni:x:10001:\n' >> /etc/group; \
    mkdir -p /home/ayni; \
    chown 10001:10001 /home/ayni
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    HOME=/home/ayni \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    PORT=8000
WORKDIR /home/ayni
USER 10001:10001
EXPOSE 8000
# GET /health touches no dependency: it fails only when this process cannot serve.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4); sys.exit(0 if r.status == 200 else 1)"]
ENTRYPOINT ["ayni"]
CMD ["serve"]
