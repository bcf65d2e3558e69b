/// The instance sizes a fixture may give a cluster, and the kind each implies.
enum ClusterTiers {
    static let shared = ["M0", "M2", "M5"]
    static let flex = "FLEX"
    /// General, low-CPU (`R`) and NVMe dedicated sizes.
    static let dedicated = [
        "M10", "M20", "M30", "M40", "M50", "M60", "M80", "M100", "M140", "M200", "M300", "M400", "M700",
        "R40", "R50", "R60", "R80", "R200", "R300", "R400", "R700",
        "M40_NVME", "M50_NVME", "M60_NVME", "M80_NVME", "M200_NVME", "M400_NVME",
    ]
}
