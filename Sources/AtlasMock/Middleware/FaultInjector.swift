import Synchronization

/// The active fault rules. Rules given at start are what `POST /__admin/reset` restores; rules without an id get
/// `fault-<n>`.
final class FaultInjector: Sendable {
    /// What happens to one request a rule matched.
    struct Decision: Sendable {
        var rule: FaultRule
        /// The delay drawn for this request, in milliseconds (0 for none).
        var delayMilliseconds: Int
    }

    /// Invariant: `rules` and `initial` only change under the lock; `nextNumber` only grows, so generated ids
    /// never repeat within a run.
    private let state: Mutex<(rules: [FaultRule], initial: [FaultRule], nextNumber: Int)>
    /// Whether `rules` is non-empty; stored under the lock by `changeRules` after every change, so `decide` can
    /// skip the lock when there are none (every request asks, and most runs have no rules). A request racing an
    /// admin call that adds the first rule is simply ordered before it.
    private let hasRules = Atomic<Bool>(false)

    init(initial: [FaultRule]) {
        self.state = Mutex(([], [], 1))
        self.changeRules { state in
            state.initial = Self.assignIDs(initial, next: &state.nextNumber)
            state.rules = state.initial
        }
    }

    private func changeRules<Result>(
        _ body: (inout (rules: [FaultRule], initial: [FaultRule], nextNumber: Int)) -> Result
    ) -> Result {
        self.state.withLock { state in
            let result = body(&state)
            self.hasRules.store(!state.rules.isEmpty, ordering: .releasing)
            return result
        }
    }

    var rules: [FaultRule] { self.state.withLock { $0.rules } }

    /// Adds `rules` after the existing ones and returns them with their ids; nil if an id is already in use.
    func add(_ rules: [FaultRule]) -> [FaultRule]? {
        self.changeRules { state in
            let used = Set(state.rules.map(\.id))
            guard rules.allSatisfy({ !used.contains($0.id) }) else { return nil }
            let added = Self.assignIDs(rules, next: &state.nextNumber)
            state.rules += added
            return added
        }
    }

    func replace(with rules: [FaultRule]) {
        self.changeRules { state in state.rules = Self.assignIDs(rules, next: &state.nextNumber) }
    }

    /// Removes the rule with `id`; false if there is none.
    func remove(id: String) -> Bool {
        self.changeRules { state in
            guard let index = state.rules.firstIndex(where: { $0.id == id }) else { return false }
            state.rules.remove(at: index)
            return true
        }
    }

    func removeAll() {
        self.changeRules { $0.rules.removeAll() }
    }

    /// Back to the rules given at start, with their counts restored.
    func reset() {
        self.changeRules { $0.rules = $0.initial }
    }

    /// The first rule matching the request that wins its percentage roll; a rule limited to `times` matches
    /// is used up by it.
    func decide(method: String, path: Substring, principal: String) -> Decision? {
        guard self.hasRules.load(ordering: .acquiring) else { return nil }
        return self.changeRules { state -> Decision? in
            for index in state.rules.indices {
                let rule = state.rules[index]
                guard rule.matches(method: method, path: path, principal: principal),
                    rule.percentage >= 100 || Int.random(in: 1...100) <= rule.percentage
                else { continue }
                if let times = rule.times {
                    if times <= 1 { state.rules.remove(at: index) } else { state.rules[index].times = times - 1 }
                }
                return Decision(rule: rule, delayMilliseconds: rule.delay.map { Int.random(in: $0) } ?? 0)
            }
            return nil
        }
    }

    private static func assignIDs(_ rules: [FaultRule], next: inout Int) -> [FaultRule] {
        rules.map { rule in
            guard rule.id.isEmpty else { return rule }
            var named = rule
            named.id = "fault-\(next)"
            next += 1
            return named
        }
    }
}
