/// Connection strings in the shapes Atlas gives (the hosts are never served): `mongodb+srv://<name>.<5
/// characters>.mongodb.net` and the standard three-host seed list with `ac-<7>-shard-00-0N` hosts and an
/// `atlas-<6>-shard-0` replica set. The name part of the SRV host is cut to 23 characters, as Atlas does. The
/// random-looking parts derive from the cluster id, so a cluster's strings never change.
enum ClusterConnectionStrings {
    static func standardSrv(of cluster: Cluster) -> String {
        "mongodb+srv://\(cluster.name.prefix(23).lowercased()).\(Self.domain(of: cluster))"
    }

    static func standard(of cluster: Cluster) -> String {
        let domain = Self.domain(of: cluster)
        let host = "ac-" + Self.letters(cluster.id, salt: 1, count: 7)
        let hosts = (0..<3).map { "\(host)-shard-00-0\($0).\(domain):27017" }.joined(separator: ",")
        let replicaSet = "atlas-" + Self.letters(cluster.id, salt: 2, count: 6) + "-shard-0"
        return "mongodb://\(hosts)/?ssl=true&authSource=admin&replicaSet=\(replicaSet)"
    }

    /// `{"standardSrv"}` until the cluster has first been IDLE, then `{"standard","standardSrv"}`.
    static func json(of cluster: Cluster, standard: Bool) -> JSONValue {
        var members: [String: JSONValue] = ["standardSrv": .string(Self.standardSrv(of: cluster))]
        if standard { members["standard"] = .string(Self.standard(of: cluster)) }
        return .object(members)
    }

    private static func domain(of cluster: Cluster) -> String {
        Self.letters(cluster.id, salt: 0, count: 7).prefix(5) + ".mongodb.net"
    }

    /// `count` lower-case letters and digits drawn from an FNV-1a hash of `seed` and `salt`.
    private static func letters(_ seed: String, salt: UInt8, count: Int) -> String {
        var hash = StableHash.fnv1a(Array(seed.utf8) + [salt])
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var text: [UInt8] = []
        for _ in 0..<count {
            text.append(alphabet[Int(hash % 36)])
            hash /= 36
        }
        return String(decoding: text, as: UTF8.self)
    }
}
