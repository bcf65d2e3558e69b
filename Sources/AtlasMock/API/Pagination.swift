/// Atlas's list paging: `pageNum` (1-based), `itemsPerPage` (1–500, default 100) and `includeCount`
/// (default true), and the `links` array a list carries.
struct Pagination: Sendable {
    static let defaultItemsPerPage = 100
    static let maxItemsPerPage = 500

    let pageNum: Int
    let itemsPerPage: Int
    let includeCount: Bool

    init(_ query: QueryParameters) throws(AtlasFailure) {
        self.pageNum = try query.int("pageNum", default: 1, in: 1...Int(Int32.max))
        self.itemsPerPage = try query.int("itemsPerPage", default: Self.defaultItemsPerPage, in: 1...Self.maxItemsPerPage)
        self.includeCount = try query.bool("includeCount", default: true)
    }

    /// The list's `links`: `self` always; `previous` after the first page; `next` before the last.
    /// Query order as recorded from Atlas: other parameters first as sent, then `includeCount`; `self` ends with
    /// `pageNum&itemsPerPage`, while `next`/`previous` end with `itemsPerPage&pageNum`.
    func links(resourceURL: String, query: QueryParameters, totalCount: Int) -> JSONValue {
        let paging: Set<String> = ["pageNum", "itemsPerPage", "includeCount"]
        var common = query.pairs.filter { !paging.contains($0.name) }.map {
            "\(QueryParameters.percentEncode($0.name))=\(QueryParameters.percentEncode($0.value))"
        }
        common.append("includeCount=\(self.includeCount)")
        func link(_ rel: String, _ tail: String) -> JSONValue {
            .object(["href": .string(resourceURL + "?" + (common + [tail]).joined(separator: "&")), "rel": .string(rel)])
        }
        var links = [link("self", "pageNum=\(self.pageNum)&itemsPerPage=\(self.itemsPerPage)")]
        if self.pageNum > 1 {
            links.append(link("previous", "itemsPerPage=\(self.itemsPerPage)&pageNum=\(self.pageNum - 1)"))
        }
        if self.pageNum * self.itemsPerPage < totalCount {
            links.append(link("next", "itemsPerPage=\(self.itemsPerPage)&pageNum=\(self.pageNum + 1)"))
        }
        return .array(links)
    }
}
