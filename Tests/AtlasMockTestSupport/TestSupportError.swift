/// What went wrong around a test rather than in what it checks: a child that does not finish, a server that
/// prints no URL, a response that is not what the helper needs to go on.
package struct TestSupportError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) { self.description = description }
}
