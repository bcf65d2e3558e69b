import AtlasMockHTTP
import FoundationEssentials
import Synchronization

/// The spec's path-parameter and id patterns, checked without regex engines on the request path.
enum Identifiers {
    /// `^([a-f0-9]{24})$`: group, restore job and snapshot ids.
    static func isObjectID<S: StringProtocol>(_ value: S) -> Bool {
        value.utf8.count == 24 && value.utf8.allSatisfy(Self.isLowerHexDigit)
    }

    /// `isObjectID` on raw bytes, without a closure per byte (ids are most of a large fixture's strings).
    static func isObjectID(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 24 else { return false }
        for byte in bytes where !Self.isLowerHexDigit(byte) { return false }
        return true
    }

    private static let namePunctuation = Set("-_.(),:&@+'".utf8)

    private static func isLowerHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    /// `^[a-zA-Z0-9][a-zA-Z0-9-]*$`: cluster and Flex instance names.
    static func isClusterName<S: StringProtocol>(_ value: S) -> Bool {
        guard let first = value.utf8.first, Self.isAlphanumeric(first) else { return false }
        return value.utf8.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`: restore targets (`targetDeploymentItemName`).
    static func isDeploymentItemName(_ value: String) -> Bool {
        // Names are almost always ASCII, where the classes are plain byte ranges; Unicode properties (slow to
        // look up) are consulted only for the rest.
        if value.utf8.count <= 64, !value.utf8.isEmpty,
            value.utf8.allSatisfy({ Self.isAlphanumeric($0) || Self.namePunctuation.contains($0) })
        {
            return true
        }
        let count = value.unicodeScalars.count
        guard (1...64).contains(count) else { return false }
        let punctuation = Set("-_.(),:&@+'".unicodeScalars)
        return value.unicodeScalars.allSatisfy {
            punctuation.contains($0) || $0.properties.isAlphabetic && $0.properties.generalCategory.isLetter
                || $0.properties.numericType != nil && $0.properties.generalCategory.isNumber
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// A fresh 24-hex ObjectId whose first four bytes are `timestamp`, like MongoDB's: ids sort by creation time.
    static func makeObjectID(timestamp: Int) -> String {
        let counter = Self.counter.withLock { value -> UInt32 in
            value &+= 1
            return value & 0xFF_FFFF
        }
        return UInt32(truncatingIfNeeded: timestamp).zeroPadded(8, radix: 16) + Self.processBytes
            + counter.zeroPadded(6, radix: 16)
    }

    private static let processBytes: String = (0..<5).map { _ in UInt8.random(in: 0...255).zeroPadded(2, radix: 16) }
        .joined()

    /// Invariant: incremented under the lock for every id, so ids made in the same second never collide.
    private static let counter = Mutex<UInt32>(UInt32.random(in: 0...0xFF_FFFF))
}

private extension Unicode.GeneralCategory {
    var isLetter: Bool {
        switch self {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    var isNumber: Bool {
        switch self {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
