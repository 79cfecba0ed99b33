import OCISpec
import RuneCore

struct FeaturesCommand: Command {
    static let name = "features"
    static let summary = "show the enabled features"
    static let usage = ""
    static let flags: [Flag] = []
    static let arguments: Int? = 0

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        let cgroup = Features.Cgroup(v1: true, v2: true, systemd: false, systemdUser: false)
        let text = Features.rune(cgroup: cgroup, annotations: ["org.rune.version": runeVersion]).encodeForFeaturesCommand()
        print(text, terminator: "")
        return 0
    }
}

func getenvString(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    return String(cString: v)
}

import Glibc
