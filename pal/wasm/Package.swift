// swift-tools-version:6.0
// The WebAssembly enclave runtime (PAL v3) and the software TEE ("sim") tooling.
// A separate package so that rune's own build never resolves WasmKit or swift-crypto.
// swift-crypto 4.x: its Crypto module imports FoundationEssentials (3.x imports Foundation and drags ICU into the init-runelet).
import PackageDescription

// pal_init runs inside a dynamically linked init-runelet that shares the toolchain's Swift
// runtime; the RUNPATH lets dlopen find libswiftCore.so without LD_LIBRARY_PATH.
let swiftRuntimeDir = "/opt/swift/usr/lib/swift/linux"
let exportsMap = Context.packageDirectory + "/Sources/WasmPAL/exports.map"

let package = Package(
    name: "pal-wasm",
    products: [
        .library(name: "pal-wasm", type: .dynamic, targets: ["WasmPAL"]),
        .executable(name: "rune-enclave", targets: ["rune-enclave"]),
        .library(name: "EnclaveEvidence", targets: ["EnclaveEvidence"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        // Header-only: its module map points at rune's pal.h, so both sides share one ABI.
        .target(name: "CPal"),
        .target(
            name: "EnclaveEvidence",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "WasmPAL",
            dependencies: [
                "CPal", "EnclaveEvidence",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
            ],
            exclude: ["exports.map"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", swiftRuntimeDir,
                                           "-Xlinker", "--version-script=" + exportsMap])]
        ),
        .executableTarget(
            name: "rune-enclave",
            dependencies: ["EnclaveEvidence"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", swiftRuntimeDir])]
        ),
        // Benchmark only (tests/wasm/bench.sh): prices fuel metering, the mechanism behind pal_kill.
        .executableTarget(
            name: "wasm-bench",
            dependencies: [.product(name: "WasmKit", package: "WasmKit"), .product(name: "WasmKitWASI", package: "WasmKit")]
        ),
        .testTarget(name: "EnclaveEvidenceTests", dependencies: ["EnclaveEvidence"]),
    ]
)
