# Sourced by scripts/container-check and scripts/podman-build: a local stand-in for the debian:bookworm-slim
# image, made with debootstrap from the Debian mirror apt already uses (no container registry needed).
# Needs root and the debootstrap package; callers define say() and fail().

# Deletes a root filesystem folder, refusing while anything is mounted under it (it could be the host's /dev).
remove_rootfs() {
    if awk -v d="$1/" 'index($5 "/", d) == 1 { found = 1 } END { exit found ? 0 : 1 }' /proc/self/mountinfo; then
        say "not deleting $1: something is still mounted under it"
        return 1
    fi
    rm -rf "$1"
}

# Prints the first URI apt is configured with for a suite ($1), from one-line or deb822 sources.
apt_uri_for() {
    local suite=$1 file
    {
        grep -hE "^deb[[:space:]]" /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/\[[^]]*\]//' | awk -v s="$suite" '$3 == s { print $2 }'
        for file in /etc/apt/sources.list.d/*.sources; do
            [ -e "$file" ] || continue
            awk -v s="$suite" '
                function flush() { if (uris != "" && hit) print uris; uris = ""; hit = 0 }
                /^[[:space:]]*$/ { flush(); next }
                /^URIs:/ { uris = $2 }
                /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
                END { flush() }' "$file"
        done
    } | head -1
}

# Makes $1 a bookworm root filesystem like debian:bookworm-slim, once: debootstrap's minbase variant (the
# official images' starting point too), then what debuerreotype does for -slim images: no docs, man pages or
# translations now or later, apt keeping no package caches, and the image's three apt suites.
# ATLAS_MOCK_DEBIAN_MIRROR overrides the mirror. A finished one is marked with $1/.complete.
ensure_bookworm_slim_rootfs() {
    local base=$1
    [ -e "$base/.complete" ] && return 0
    local mirror=${ATLAS_MOCK_DEBIAN_MIRROR:-$(apt_uri_for bookworm)}
    mirror=${mirror:-http://deb.debian.org/debian}
    local security_mirror
    security_mirror=$(apt_uri_for bookworm-security)
    security_mirror=${security_mirror:-http://deb.debian.org/debian-security}
    command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"

    say "debian:bookworm-slim stand-in: debootstrap --variant=minbase bookworm from $mirror (once; about a minute)"
    remove_rootfs "$base" && remove_rootfs "$base.tmp"
    mkdir -p "$(dirname "$base")"
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$base.debootstrap.log" 2>&1 \
        || { tail -20 "$base.debootstrap.log" >&2; fail "debootstrap failed (log: $base.debootstrap.log)"; }

    cat >"$base.tmp/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    find "$base.tmp/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$base.tmp/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$base.tmp"/usr/share/{man,groff,info,lintian,linda,locale}/*

    cat >"$base.tmp/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::GzipIndexes "true";' >"$base.tmp/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Acquire::Languages "none";' >"$base.tmp/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$base.tmp/etc/apt/apt.conf.d/docker-autoremove-suggests"

    rm -f "$base.tmp/etc/apt/sources.list"
    cat >"$base.tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$base.tmp"/var/cache/apt/archives/*.deb "$base.tmp"/var/cache/apt/*.bin "$base.tmp"/var/lib/apt/lists/*
    date -u +%Y-%m-%dT%H:%M:%SZ >"$base.tmp/.complete"
    mv "$base.tmp" "$base"
}
