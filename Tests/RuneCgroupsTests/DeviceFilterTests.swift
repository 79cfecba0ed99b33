import Glibc
import OCISpec
import RuneSystem
import Testing
@testable import RuneCgroups

@Suite struct DeviceFilterTests {
    static let defaultRules = [LinuxDeviceCgroup(allow: false, access: "rwm")] + DeviceRules.defaultAllowed

    @Test func programShape() throws {
        let state = DeviceRules.state(of: try DeviceRules.parse(Self.defaultRules))
        let program = DeviceFilter.program(for: state)
        // Prologue 6, then per exception: type test, major/minor tests where not wildcards, 3 access
        // instructions, 2 verdict; then the default verdict.
        let blocks = state.exceptions.keys.map { 6 + ($0.major >= 0 ? 1 : 0) + ($0.minor >= 0 ? 1 : 0) }.reduce(0, +)
        #expect(program.count == 6 + blocks + 2)
        #expect(program.last == DeviceFilter.Instruction(code: DeviceFilter.exit))
        #expect(program[program.count - 2].imm == 0, "deny by default")
        #expect(DeviceFilter.encode(program).count == program.count * 8)
        // Every jump lands inside the program.
        for (index, instruction) in program.enumerated() where instruction.code == DeviceFilter.jumpNotEqual {
            #expect(index + 1 + Int(instruction.offset) < program.count)
        }
    }

    /// The filter, attached for real to a cgroup in this host's cgroup2 hierarchy: /dev/null opens,
    /// /dev/kmsg does not; re-applying with /dev/kmsg allowed replaces the program.
    @Test(.enabled(if: geteuid() == 0 && FileSystem.isDirectory("/sys/fs/cgroup/unified") && FileSystem.exists("/dev/kmsg")))
    func filterIsEnforcedByTheKernel() throws {
        let dir = "/sys/fs/cgroup/unified/rune-test-bpf-" + randomSuffix()
        try FileSystem.makeDirectories(dir)
        defer { _ = rmdir(dir) }
        let m = CgroupManager(paths: ["unified": dir])
        try m.apply(LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")]))
        let probe = ["sh", "-c", "read go; (exec 3</dev/null) && echo null-ok; (exec 3</dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied"]
        let denied = try run(probe, placedBy: { pid in try m.add(pid: pid) })
        #expect(denied.output == "null-ok\nkmsg-denied\n")

        try m.apply(LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm"),
                                             LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 11, access: "r")]))
        let dirFd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dirFd) }
        #expect(try BPF.query(dirFd, context: dir).count == 1, "the old program is detached")
        let allowed = try run(probe, placedBy: { pid in try m.add(pid: pid) })
        #expect(allowed.output == "null-ok\nkmsg-ok\n")
    }
}
