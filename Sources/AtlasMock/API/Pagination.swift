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

extension OperationContext {
    /// A page of any list as Atlas's list object (`links`, `results`, `totalCount`): `page` cuts the page the
    /// query asks for (typically inside a store read, so only the page is copied out), `render` shows each item.
    func list<Item>(_ page: (Pagination) -> Page<Item>, render: (Item) -> JSONValue) throws(AtlasFailure)
        -> OperationResult
    {
        let pagination = try Pagination(self.query)
        let page = page(pagination)
        return .list([
            "links": pagination.links(resourceURL: self.resourceURL, query: self.query, totalCount: page.totalCount),
            "results": .array(page.items.map(render)),
            // Atlas still sends `totalCount` (as 0) when `includeCount=false`.
            "totalCount": .int(pagination.includeCount ? page.totalCount : 0),
        ])
    }

    /// A newest-first page of one cluster's restore jobs (as every recorded list shows them), which the store
    /// keeps in ascending id (creation) order.
    func listPage<Item>(
        of items: KeyPath<AtlasState, [ClusterKey: [Item]]> & Sendable, cluster: Cluster,
        render: (Item) -> JSONValue
    ) throws(AtlasFailure) -> OperationResult {
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        return try self.list({ pagination in
            self.store.read { ($0[keyPath: items][key] ?? []).newestFirstPage(pagination) }
        }, render: render)
    }
}

/// One page of a listing, and how many items the whole list has.
struct Page<Element> {
    var items: [Element]
    var totalCount: Int
}

extension Array {
    /// The page `pagination` asks for of this array in its own order (snapshots, projects and clusters:
    /// oldest first).
    func inOrderPage(_ pagination: Pagination) -> Page<Element> {
        let (skip, overflow) = (pagination.pageNum - 1).multipliedReportingOverflow(by: pagination.itemsPerPage)
        guard !overflow, skip < self.count else { return Page(items: [], totalCount: self.count) }
        return Page(items: Array(self[skip..<Swift.min(self.count, skip + pagination.itemsPerPage)]), totalCount: self.count)
    }

    /// The page `pagination` asks for of this ascending array read newest first.
    func newestFirstPage(_ pagination: Pagination) -> Page<Element> {
        let (skip, overflow) = (pagination.pageNum - 1).multipliedReportingOverflow(by: pagination.itemsPerPage)
        guard !overflow, skip < self.count else { return Page(items: [], totalCount: self.count) }
        let upper = self.count - skip
        let lower = Swift.max(0, upper - pagination.itemsPerPage)
        return Page(items: self[lower..<upper].reversed(), totalCount: self.count)
    }
}
