# syntax=docker/dockerfile:1
# TerraFix: one image for the service (`terrafix serve`, the default command, health on 8080) and the API server
# (`terrafix api-server`, 8081). Build, run and deploy: docs/deployment.md.
#
#   docker build -t terrafix:dev .
#   docker run --rm -p 8081:8081 -e TERRAFIX_MOCK_MODE=true terrafix:dev api-server
#
# Build arguments (none of them is a secret):
#   NODE_IMAGE        base image; a pinned tag, never `latest`. Release pipelines may pin a digest:
#                     --build-arg NODE_IMAGE=docker.io/library/node:20.20-bookworm-slim@sha256:<digest>
#   TERRAFORM_SOURCE  none (default): no terraform in the image; fixes are checked at HCL level
#                     download: terraform from releases.hashicorp.com (checksum verified) plus a mirror of the
#                               AWS provider, for `terraform validate` without registry access at run time
#                     context: the same two, copied from a build context named `terraform-dist` that holds
#                              bin/terraform and plugins/ (a provider mirror), for builders without internet:
#                              --build-context terraform-dist=DIR (.ci/container-check does this)

ARG NODE_IMAGE=docker.io/library/node:20.20-bookworm-slim
ARG TERRAFORM_SOURCE=none

# ---- build: dev dependencies, compile, pack the runtime file set, install production dependencies only
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the build needs no install script (tsc only), and none runs with registry code as root.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY experiments ./experiments
COPY reports ./reports
# `npm pack` applies package.json "files" (no source maps, tests, fixtures or bench): the same file set the
# pack-and-run test (test/deploy/runtime-files.test.ts) installs and starts. Production dependencies are then
# installed from the lockfile, from the npm cache the first `npm ci` filled.
RUN mkdir -p /tmp/pack \
 && npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp/pack \
 && mkdir /app \
 && tar -xzf /tmp/pack/terrafix-*.tgz -C /app --strip-components=1 --no-same-owner \
 && cp package-lock.json /app/
WORKDIR /app
# Then the dependencies' own source maps, type declarations and test folders go: nothing loads them at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && find node_modules -mindepth 2 -maxdepth 3 -type d \( -name test -o -name tests -o -name __tests__ \) \
      -prune -exec rm -rf {} + \
 && rm -f node_modules/.package-lock.json \
 && chmod 0755 dist/src/cli/main.js

# ---- terraform (optional): /opt/terraform/{bin,plugins,terraform.rc}
FROM ${NODE_IMAGE} AS terraform-none
RUN mkdir -p /opt/terraform/bin /opt/terraform/plugins

FROM ${NODE_IMAGE} AS terraform-download
ARG TERRAFORM_VERSION=1.11.4
# Optional: the expected SHA-256 of terraform_<version>_linux_<arch>.zip, pinned by the release pipeline. Without it
# the zip is checked against HashiCorp's SHA256SUMS file, fetched over TLS from the same host.
ARG TERRAFORM_SHA256=""
ARG TERRAFORM_AWS_PROVIDER_VERSION=5.100.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /tmp/terraform
RUN set -eu; \
    arch="$(dpkg --print-architecture)"; \
    zip="terraform_${TERRAFORM_VERSION}_linux_${arch}.zip"; \
    base="https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}"; \
    curl -fsSLO "${base}/${zip}"; \
    curl -fsSLO "${base}/terraform_${TERRAFORM_VERSION}_SHA256SUMS"; \
    grep " ${zip}\$" "terraform_${TERRAFORM_VERSION}_SHA256SUMS" | sha256sum -c -; \
    if [ -n "${TERRAFORM_SHA256}" ]; then echo "${TERRAFORM_SHA256}  ${zip}" | sha256sum -c -; fi; \
    mkdir -p /opt/terraform/bin /opt/terraform/plugins; \
    unzip -q "${zip}" terraform -d /opt/terraform/bin; \
    printf 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "%s"\n    }\n  }\n}\n' \
      "${TERRAFORM_AWS_PROVIDER_VERSION}" > main.tf; \
    /opt/terraform/bin/terraform providers mirror -platform="linux_${arch}" /opt/terraform/plugins; \
    rm -rf /tmp/terraform

FROM ${NODE_IMAGE} AS terraform-context
COPY --from=terraform-dist bin/terraform /opt/terraform/bin/terraform
COPY --from=terraform-dist plugins/ /opt/terraform/plugins/

FROM terraform-${TERRAFORM_SOURCE} AS terraform
# The AWS provider comes from the mirror; any other provider a repository needs is downloaded when possible.
RUN printf '%s\n' \
      'provider_installation {' \
      '  filesystem_mirror {' \
      '    path    = "/opt/terraform/plugins"' \
      '    include = ["registry.terraform.io/hashicorp/aws"]' \
      '  }' \
      '  direct {' \
      '    exclude = ["registry.terraform.io/hashicorp/aws"]' \
      '  }' \
      '}' > /opt/terraform/terraform.rc

# ---- runtime: Node 20, git, tini; the packed app and its production dependencies; no npm
FROM ${NODE_IMAGE} AS runtime
# git: the service clones repositories; tini: PID 1 that forwards SIGTERM and reaps git/terraform children.
# npm, npx, corepack and yarn are removed: nothing installs at run time, and they are attack surface that image
# scanners flag.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git tini \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
COPY --from=terraform /opt/terraform /opt/terraform
# Owned by root and read-only to the user the process runs as.
COPY --from=build /app /app
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/terrafix

ENV NODE_ENV=production \
    PATH=/opt/terraform/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    TF_CLI_CONFIG_FILE=/opt/terraform/terraform.rc \
    TF_IN_AUTOMATION=1 \
    TERRAFIX_API_HOST=0.0.0.0 \
    TERRAFIX_HEALTH_HOST=0.0.0.0 \
    GIT_TERMINAL_PROMPT=0

# The base image's `node` user (uid/gid 1000), given numerically so that runAsNonRoot checks can verify it.
USER 1000:1000
WORKDIR /home/node

# 8080: the service's health and metrics server; 8081: the API server (webhook intake, mock mode).
EXPOSE 8080 8081

# Healthy when whichever server this container runs answers /health: the service's on 8080, else the API
# server's on TERRAFIX_API_PORT (8081). Short-lived commands (process-once, stats) end before the first probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const ports=[8080,Number(process.env.TERRAFIX_API_PORT||8081)];Promise.any(ports.map(p=>fetch('http://127.0.0.1:'+p+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>r.ok?r:Promise.reject(new Error(String(r.status)))))).then(()=>process.exit(0),()=>process.exit(1))"]

# Keeps RSS bounded under sustained load: V8 collects instead of growing its heap with garbage, and short-lived
# request garbage dies young (docs/benchmarks.md, memory soak).
ENV NODE_OPTIONS="--max-old-space-size=320 --max-semi-space-size=16"

ENTRYPOINT ["/usr/bin/tini", "--", "terrafix"]
CMD ["serve"]
