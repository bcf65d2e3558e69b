import CGlibcMalloc
import Dispatch

/// Hands freed heap back to the system after a burst of allocations: glibc keeps freed pages for reuse, so the
/// resident set would stay near its peak. Two bursts matter: a flood of connections closing (≈2 MiB per 1,000,
/// measured by `scripts/hostile-memory`), and a large fixture load, whose parsed document is freed once the data is
/// indexed (100,000 jobs: 161 MiB resident after loading, 96 MiB after trimming). `malloc_trim` releases the free
/// pages of every arena; it takes milliseconds on a large heap, so callers run it off the request path.
public enum FreedMemory {
    public static func returnToSystemSoon() {
        DispatchQueue.global(qos: .utility).async { Self.returnToSystem() }
    }

    static func returnToSystem() {
        _ = malloc_trim(0)
    }
}
