# Sourced by scripts/run and scripts/test: installs the Debian packages atlas-mock builds and tests with.
# As root it runs apt-get; otherwise it prints the exact command and stops.
ATLAS_MOCK_PACKAGES=(libnghttp2-dev libssl-dev openssl pkg-config curl nghttp2-client nghttp2-server python3 python3-requests
    python3-httpx python3-h2)

ensure_system_packages() {
    local missing=()
    local package
    for package in "${ATLAS_MOCK_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing: ${missing[*]}" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "missing system packages; run:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}
