/// Every route of the admin API under `/__admin/` (WireMock's convention) that integration tests drive.
extension AdminAPI {
    static func routes(_ services: AdminServices) -> [AdminRoute] {
        let data = AdminData(services: services)
        let clock = AdminClock(services: services)
        let faults = AdminFaults(faults: services.faults)
        let journal = AdminJournal(journal: services.journal)
        return [
            AdminRoute(.get, "/health") { _ in .adminJSON(200, .object(["status": .string("ok")])) },
            AdminRoute(.post, "/reset", data.reset),
            AdminRoute(.post, "/fixtures", data.addFixtures),
            AdminRoute(.get, "/state", data.dumpState),
            AdminRoute(.put, "/state", data.replaceState),
            AdminRoute(.get, "/requests", journal.list),
            AdminRoute(.delete, "/requests", journal.clear),
            AdminRoute(.get, "/faults", faults.list),
            AdminRoute(.post, "/faults", faults.add),
            AdminRoute(.delete, "/faults", faults.removeAll),
            AdminRoute(.delete, "/faults/{id}", faults.remove),
            AdminRoute(.get, "/clock", clock.state),
            AdminRoute(.put, "/clock", clock.set),
        ]
    }
}
