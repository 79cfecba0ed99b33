// swift-tools-version:6.0
// rune: the OCI runtime and its libraries. The Wasm PAL (pal/wasm) and the shim (shim/) are
// separate packages so that rune's build never resolves WasmKit, NIO or protobuf.
import PackageDescription

let package = Package(
    name: "rune",
    products: [
        .executable(name: "rune", targets: ["rune"]),
    ],
    targets: [
        .target(name: "CRuneLinux"),
        .target(name: "CEnclavePAL"),
        .target(name: "RuneSystem", dependencies: ["CRuneLinux"]),
        .target(name: "OCISpec", dependencies: ["RuneSystem"]),
        .target(name: "RuneCgroups", dependencies: ["OCISpec", "RuneSystem"]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .target(name: "RuneSecurity", dependencies: ["OCISpec", "RuneSystem", "CSeccomp", "CRuneLinux"]),
        .target(name: "RuneCore", dependencies: ["OCISpec", "RuneSystem", "RuneCgroups", "RuneSecurity", "CRuneLinux"]),
        .target(name: "RuneEnclave", dependencies: ["RuneCore", "CEnclavePAL"]),
        .target(name: "RuneCLI", dependencies: ["RuneCore", "RuneEnclave"]),
        .executableTarget(name: "rune", dependencies: ["RuneCLI"]),
        .testTarget(name: "OCISpecTests", dependencies: ["OCISpec"]),
        .testTarget(name: "RuneCgroupsTests", dependencies: ["RuneCgroups"]),
        .testTarget(name: "RuneSecurityTests", dependencies: ["RuneSecurity"]),
        .testTarget(name: "RuneCoreTests", dependencies: ["RuneCore", "RuneSystem"]),
    ]
)
