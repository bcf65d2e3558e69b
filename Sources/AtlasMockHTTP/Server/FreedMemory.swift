#if os(Linux)
import CGlibcMalloc
#endif

/// Hands memory freed after a burst of connections back to the system. glibc keeps freed heap pages for reuse,
/// so after a flood of connections closes the resident set would stay near its peak (≈2 MiB per 1,000
/// connections, measured by `scripts/hostile-memory`); `malloc_trim` releases the free pages of every arena.
enum FreedMemory {
    static func returnToSystem() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
