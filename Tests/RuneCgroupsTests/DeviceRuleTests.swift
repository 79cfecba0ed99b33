import OCISpec
import Testing
@testable import RuneCgroups

@Suite struct DeviceRuleTests {
    /// `runc spec`'s single deny-all rule plus the defaults: the exact writes runc 1.1 made for it
    /// (traced with strace on this host).
    @Test func defaultSpecWritesWhatRuncWrites() throws {
        let rules = try DeviceRules.parse([LinuxDeviceCgroup(allow: false, access: "rwm")] + DeviceRules.defaultAllowed)
        let writes = DeviceRules.legacyWrites(for: DeviceRules.state(of: rules), currentList: "a *:* rwm\n")
        let runc = ["devices.deny a *:* rwm", "devices.allow b *:* m", "devices.allow c *:* m",
                    "devices.allow c 1:3 rwm", "devices.allow c 1:5 rwm", "devices.allow c 1:7 rwm",
                    "devices.allow c 1:8 rwm", "devices.allow c 1:9 rwm", "devices.allow c 5:0 rwm",
                    "devices.allow c 5:2 rwm", "devices.allow c 10:200 rwm", "devices.allow c 136:* rwm"]
        #expect(writes.map { "\($0.file) \($0.value)" } == runc)
    }

    @Test func unchangedListWritesNothing() throws {
        let rules = try DeviceRules.parse([LinuxDeviceCgroup(allow: false)] + DeviceRules.defaultAllowed)
        let state = DeviceRules.state(of: rules)
        let list = state.lines.joined(separator: "\n") + "\n"
        #expect(DeviceRules.legacyWrites(for: state, currentList: list).isEmpty)
    }

    @Test func laterRulesOverrideEarlierOnes() throws {
        let rules = try DeviceRules.parse([
            LinuxDeviceCgroup(allow: false),
            LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rwm"),
            LinuxDeviceCgroup(allow: false, type: "c", major: 1, minor: 3, access: "w"),
        ])
        #expect(DeviceRules.state(of: rules).lines == ["c 1:3 rm"])
        let allowAll = try DeviceRules.parse([LinuxDeviceCgroup(allow: false), LinuxDeviceCgroup(allow: true)])
        let state = DeviceRules.state(of: allowAll)
        #expect(state.defaultAllow && state.exceptions.isEmpty)
        #expect(DeviceRules.legacyWrites(for: state, currentList: "a *:* rwm").isEmpty)
    }

    @Test func negativeMajorIsRejected() {
        #expect(throws: CgroupError.self) {
            try DeviceRules.parse([LinuxDeviceCgroup(allow: true, type: "c", major: -3, minor: 1, access: "r")])
        }
    }
}
