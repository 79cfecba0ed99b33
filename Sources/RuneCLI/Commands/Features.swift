import OCISpec
import RuneCore

struct FeaturesCommand: Command {
    static let name = "features"
    static let summary = "show the enabled features"
    static let usage = ""
    static let flags: [Flag] = []
    static let arguments: Int? = 0

    static func run(_ args: ParsedArgs, _ global: GlobalOptions) throws(RuneError) -> Int32 {
        print(Features.rune.jsonText())
        return 0
    }
}

func getenvString(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    return String(cString: v)
}

import Glibc
