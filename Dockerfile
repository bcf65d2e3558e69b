# atlas-mock container image: a statically linked Swift binary on debian:bookworm-slim.
#
#   docker build -t atlas-mock .
#   docker run --rm -p 8080:8080 atlas-mock
#   docker run --rm -p 8080:8080 -v "$PWD/fixtures:/fixtures:ro" -e ATLAS_MOCK_FIXTURES=/fixtures atlas-mock
#   docker run --rm -p 8080:8080 -p 8443:8443 -v "$PWD/tls:/tls" atlas-mock \
#       --tls self-signed --tls-hostname atlas --tls-ca-out /tls/ca.pem
#   docker run --rm -p 8443:8443 -v "$PWD/certs:/certs:ro" -e ATLAS_MOCK_PORT=off atlas-mock \
#       --tls-cert /certs/server.pem --tls-key /certs/server.key
#
# scripts/container-check builds and runs the runtime half of this file without a Docker engine (it reads the
# build flags, packages, user, environment and entrypoint from here), so keep each instruction on the forms used
# below: one `swift build` line, `ENV KEY=VALUE ...`, exec-form (JSON) ENTRYPOINT and HEALTHCHECK.

# ================================
# Build image
# ================================
FROM swift:6.3-bookworm AS build

# libnghttp2-dev and libssl-dev are what the CNghttp2 and COpenSSL system-library targets link (their static
# archives, for the executable); pkg-config finds them.
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libnghttp2-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies in their own layer: it is reused until Package.swift (or a Package.resolved) changes.
COPY ./Package.* ./
RUN swift package resolve

COPY . .

# Static Swift standard library and Foundation: the runtime image needs no Swift toolchain.
RUN swift build -c release --static-swift-stdlib

# Stage what the runtime image gets: the executable, the static crash backtracer and any SwiftPM resource
# bundles (looked up next to the executable), all read-only.
WORKDIR /staging
RUN cp "$(swift build --package-path /build -c release --show-bin-path)/atlas-mock" ./ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static ./ \
    && find -L "$(swift build --package-path /build -c release --show-bin-path)/" -maxdepth 1 \
        -name '*.resources' -exec cp -Ra {} ./ \; \
    && chmod -R a-w ./

# ================================
# Run image
# ================================
FROM debian:bookworm-slim

# The binary links nghttp2 and OpenSSL statically (see Package.swift) and needs no shared library beyond libc,
# libm, libstdc++ and libgcc_s; ca-certificates and tzdata for anything that validates TLS or formats local times.
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q dist-upgrade -y \
    && apt-get -q install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

# A fixed non-root uid/gid, so mounted fixtures can be made readable to it (chmod o+r is enough).
# (--no-log-init: a high uid would otherwise grow a large sparse /var/log/lastlog.)
RUN groupadd --gid 10001 atlas \
    && useradd --uid 10001 --gid atlas --no-log-init --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin atlas \
    && mkdir /fixtures

COPY --from=build /staging/ /usr/local/bin/

# Listen on every interface of the container, on the ports EXPOSE documents (8443 once TLS is turned on). Mount fixtures at /fixtures and set
# ATLAS_MOCK_FIXTURES=/fixtures to load them. The backtracer prints a symbolicated trace if the server crashes.
ENV ATLAS_MOCK_HOST=0.0.0.0 ATLAS_MOCK_PORT=8080 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static

USER atlas:atlas
WORKDIR /
EXPOSE 8080 8443

# SIGTERM makes the server stop accepting, finish in-flight requests (up to its 10 s drain time) and exit 0.
# Give `docker stop` more than that: `docker stop -t 15`, compose `stop_grace_period: 15s`.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD ["atlas-mock", "health"]
ENTRYPOINT ["/usr/local/bin/atlas-mock"]
