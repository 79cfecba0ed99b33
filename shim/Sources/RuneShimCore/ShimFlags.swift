/// The command line containerd gives a v2 shim, in Go `flag` style (single dash):
/// `-namespace NS -address ADDR -publish-binary BIN -id ID [-bundle DIR] [-debug] [start|delete]`.
public struct ShimFlags: Sendable {
    public var namespace = ""
    public var address = ""
    public var publishBinary = ""
    public var id = ""
    public var bundle = ""
    public var socket = ""  // serving mode: the ttrpc address we listen on
    public var debug = false
    public var action = ""

    public init(_ args: [String]) throws {
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            guard arg.hasPrefix("-") else {
                action = arg
                continue
            }
            var name = String(arg.drop(while: { $0 == "-" }))
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if name == "debug" || name == "v" {
                debug = value.map { $0 != "false" } ?? true
                continue
            }
            if value == nil {
                guard i < args.count else { throw ShimError.invalidArgument("flag -\(name) needs a value") }
                value = args[i]
                i += 1
            }
            switch name {
            case "namespace": namespace = value!
            case "address": address = value!
            case "publish-binary": publishBinary = value!
            case "id": id = value!
            case "bundle": bundle = value!
            case "socket": socket = value!
            default: break  // unknown flags from newer containerd versions are ignored
            }
        }
    }
}
