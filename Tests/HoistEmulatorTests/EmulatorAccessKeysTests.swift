import Foundation
import HoistCore
import HoistEmulator
import Testing

/// The emulator's keys can come from a file or the environment, keeping them out of `ps`.
@Suite struct EmulatorAccessKeysTests {
    @Test func aKeyFileGivesOneKeyPerLine() throws {
        let text = """
            # test keys
            AK1 secret-one

            AK2\tsecret-two\tsts-token
            """
        let keys = try EmulatorAccessKeys.parse(file: text, path: "keys.txt")
        #expect(keys == [OSSAccessKey(id: "AK1", secret: "secret-one"),
                         OSSAccessKey(id: "AK2", secret: "secret-two", securityToken: "sts-token")])
    }

    @Test func aMalformedLineIsNamed() {
        #expect(throws: EmulatorKeyError.malformedLine(path: "keys.txt", line: 2)) {
            try EmulatorAccessKeys.parse(file: "AK1 s1\nonly-an-id\n", path: "keys.txt")
        }
    }

    @Test func aKeyFileIsRead() throws {
        let path = NSTemporaryDirectory() + "hoist-keys-\(UUID().uuidString.prefix(8))"
        try Data("AK9 s9\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try EmulatorAccessKeys.load(file: path) == [OSSAccessKey(id: "AK9", secret: "s9")])
        #expect(throws: EmulatorKeyError.unreadable(path: path + ".missing")) {
            try EmulatorAccessKeys.load(file: path + ".missing")
        }
    }

    @Test func theEnvironmentGivesAKey() throws {
        #expect(try EmulatorAccessKeys.fromEnvironment([:]) == nil)
        #expect(try EmulatorAccessKeys.fromEnvironment([
            "HOIST_EMULATOR_ACCESS_KEY_ID": "AK", "HOIST_EMULATOR_ACCESS_KEY_SECRET": "SK",
            "HOIST_EMULATOR_SECURITY_TOKEN": "T",
        ]) == OSSAccessKey(id: "AK", secret: "SK", securityToken: "T"))
        // The client's variables are not the emulator's.
        #expect(try EmulatorAccessKeys.fromEnvironment([
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "AK", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SK",
        ]) == nil)
        #expect(throws: EmulatorKeyError.incompleteEnvironment) {
            try EmulatorAccessKeys.fromEnvironment(["HOIST_EMULATOR_ACCESS_KEY_ID": "AK"])
        }
    }
}
