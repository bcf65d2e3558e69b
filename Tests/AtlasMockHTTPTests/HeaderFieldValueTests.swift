import HTTPTypes
import Testing

@testable import AtlasMockHTTP

@Suite("Header field values")
struct HeaderFieldValueTests {
    @Test func aSingleFieldIsItsValue() {
        let fields: HTTPFields = [.accept: "application/vnd.atlas.2023-01-01+json", .authorization: "Bearer t"]
        #expect(fields.value(of: .accept) == "application/vnd.atlas.2023-01-01+json")
        #expect(fields.value(of: .authorization) == "Bearer t")
    }

    @Test func repeatedFieldsAreJoinedInOrderAsTheSubscriptJoinsThem() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .accept, value: "text/plain"))
        fields.append(HTTPField(name: .userAgent, value: "test"))
        fields.append(HTTPField(name: .accept, value: "application/vnd.atlas.2024-11-13+json"))
        #expect(fields.value(of: .accept) == "text/plain, application/vnd.atlas.2024-11-13+json")
        #expect(fields.value(of: .accept) == fields[.accept])
    }

    @Test func namesCompareCaseInsensitively() throws {
        let name = try #require(HTTPField.Name("ACCEPT"))
        let fields: HTTPFields = [name: "*/*"]
        #expect(fields.value(of: .accept) == "*/*")
    }

    @Test func anAbsentFieldIsNil() {
        #expect(HTTPFields().value(of: .accept) == nil)
    }
}
