// Intentionally empty: this target exists for its linker settings (Package.swift). Everything that embeds the
// AtlasMock library links nghttp2 and OpenSSL as shared libraries through it, the executable statically.
