/// Fault rules in fixtures and in `POST /__admin/faults` bodies (see `fixtures/FORMAT.md`).
extension FixtureDecoder {
    private enum FaultField: Int, FixtureField {
        case delayMaxMs, delayMs, dropConnection, errorCode, failRestoreJobs, id, method, parameters, path, percentage,
            principal, rateLimit, retryAfterSeconds, times
        static let names = FixtureFieldNames(Self.self)
    }

    /// The longest injectable delay: ten minutes, beyond which a client would time out anyway.
    static let maximumDelayMilliseconds = 600_000

    mutating func fault(_ value: FixtureJSON, _ path: String) {
        guard let fields = self.fields(value, at: path, as: FaultField.self) else { return }
        let errorsBefore = self.errors.count
        let id = self.string(fields[.id], path + ".id")
        if let id, id.isEmpty { self.error(path + ".id", "must not be empty") }
        let method = self.string(fields[.method], path + ".method")
        if let method, method.isEmpty || !method.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) {
            self.error(path + ".method", "\"\(method)\" is not an upper-case HTTP method")
        }
        let pattern = self.string(fields[.path], path + ".path", required: true)
        if let pattern, !pattern.hasPrefix("/") { self.error(path + ".path", "\"\(pattern)\" does not start with /") }
        let principal = self.string(fields[.principal], path + ".principal")

        var action = FaultRule.Action.proceed
        let drop = self.bool(fields[.dropConnection], path + ".dropConnection") ?? false
        let failJobs = self.bool(fields[.failRestoreJobs], path + ".failRestoreJobs") ?? false
        if failJobs && (drop || fields[.errorCode] != nil) {
            self.error(path + ".failRestoreJobs", "a fault that fails restore jobs lets the request through; drop errorCode and dropConnection")
        }
        if let codeName = self.string(fields[.errorCode], path + ".errorCode") {
            if let code = AtlasErrorCode(rawValue: codeName) {
                action = .error(code, parameters: self.errorParameters(fields[.parameters], path + ".parameters"))
            } else {
                self.error(
                    path + ".errorCode",
                    "\"\(codeName)\" is not in atlas-mock's error catalog (expected one of: \(AtlasErrorCode.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            if drop { self.error(path + ".dropConnection", "a fault either answers errorCode or drops the connection, not both") }
        } else if fields[.parameters] != nil {
            self.error(path + ".parameters", "parameters need an errorCode")
        } else if drop {
            action = .dropConnection
        } else if failJobs {
            action = .failRestoreJobs
        }

        let maximum = Self.maximumDelayMilliseconds
        let delayMin = self.integer(fields[.delayMs], path + ".delayMs", in: 0...maximum)
        let delayMax = self.integer(fields[.delayMaxMs], path + ".delayMaxMs", in: 0...maximum)
        var delay: ClosedRange<Int>?
        switch (delayMin, delayMax) {
        case (let low?, nil): delay = low...low
        case (let low?, let high?) where high >= low: delay = low...high
        case (.some, .some): self.error(path + ".delayMaxMs", "must not be less than delayMs")
        case (nil, .some): self.error(path + ".delayMaxMs", "needs delayMs (the lower bound)")
        case (nil, nil): break
        }
        if case .proceed = action, delay == nil, fields[.errorCode] == nil, fields[.delayMs] == nil, !failJobs {
            self.error(path, "a fault needs errorCode, dropConnection, failRestoreJobs or delayMs")
        }
        let times = self.integer(fields[.times], path + ".times", in: 1...Int.max)
        let percentage = self.integer(fields[.percentage], path + ".percentage", in: 1...100) ?? 100
        let retryAfter = self.integer(fields[.retryAfterSeconds], path + ".retryAfterSeconds", in: 0...86_400)
        let rateLimit = self.integer(fields[.rateLimit], path + ".rateLimit", in: 1...1_000_000)

        guard self.errors.count == errorsBefore, let pattern else { return }
        let rule = FaultRule(
            id: id ?? "", method: method, path: pattern, principal: principal, action: action, delay: delay,
            times: times, percentage: percentage, retryAfterSeconds: retryAfter ?? 60, rateLimit: rateLimit ?? 1200)
        self.document.faults.append((rule, self.location(path)))
    }

    private mutating func errorParameters(_ value: FixtureJSON?, _ path: String) -> [AtlasErrorParameter]? {
        guard let elements = self.array(value, path) else { return nil }
        var parameters: [AtlasErrorParameter] = []
        for (index, element) in elements.enumerated() {
            switch element {
            case .string(let text): parameters.append(.string(self.text(text)))
            case .number:
                if let number = self.integer(element, "\(path)[\(index)]", in: Int.min...Int.max) {
                    parameters.append(.int(number))
                }
            default: self.error("\(path)[\(index)]", "expected a string or an integer, found \(element.kindDescription)")
            }
        }
        return parameters
    }
}
