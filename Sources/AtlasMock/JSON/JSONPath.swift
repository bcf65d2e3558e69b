/// Where a value sits in a document, e.g. `$.tenantRestoreJobs[3].status`, made into text only when an error
/// names it. Decoding hands a path to every field of every record, and building each as a `String` was a tenth
/// of the time a large fixture took to load: a path is the text of its array (shared by every element) plus an
/// element index and a member name, neither of which allocates.
struct JSONPath: Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text before `index` and `member`.
    private let base: String
    private let index: Int?
    private let member: String?

    init(_ text: String) {
        self.init(base: text, index: nil, member: nil)
    }

    init(stringLiteral text: String) {
        self.init(text)
    }

    private init(base: String, index: Int?, member: String?) {
        self.base = base
        self.index = index
        self.member = member
    }

    /// `path[index]`. Reading many elements, take `flattened` first: an element of a member's path is made into
    /// text each time.
    func element(_ index: Int) -> JSONPath {
        guard self.index == nil, self.member == nil else {
            return JSONPath(base: self.description, index: index, member: nil)
        }
        return JSONPath(base: self.base, index: index, member: nil)
    }

    /// `path.name`.
    func member(_ name: String) -> JSONPath {
        guard self.member == nil else { return JSONPath(base: self.description, index: nil, member: name) }
        return JSONPath(base: self.base, index: self.index, member: name)
    }

    /// The same path held as one text, so that its elements and members are made without building it again.
    var flattened: JSONPath { JSONPath(self.description) }

    var description: String {
        var text = self.base
        if let index = self.index { text += "[\(index)]" }
        if let member = self.member { text += "." + member }
        return text
    }
}
