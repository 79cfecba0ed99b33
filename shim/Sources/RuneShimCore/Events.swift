import Glibc
import NIOConcurrencyHelpers
import ShimProto
import SwiftProtobuf
import TTRPC

/// Forwards task events to containerd's ttrpc Events service at $TTRPC_ADDRESS, in order, from one
/// thread with a blocking client (retries with backoff, reconnects after EOF).
public final class EventPublisher: @unchecked Sendable {
    private struct Item {
        let topic: String
        let event: Google_Protobuf_Any
        let timestamp: Google_Protobuf_Timestamp
    }

    private let queue = BlockingQueue<Item?>()
    /// Queued or being sent; drain() waits for zero.
    private let pending = ManagedAtomicCounter()
    private let namespace: String
    private let address: String
    private var logger: ShimLogger

    public init(address: String, namespace: String, logger: ShimLogger) {
        self.address = address
        self.namespace = namespace
        self.logger = logger
        if !address.isEmpty { startThread { [self] in run() } }
    }

    /// Queues an event. The Any's type URL is the bare proto name, as containerd 1.6 decodes it.
    public func publish<M: SwiftProtobuf.Message>(_ topic: String, _ message: M) {
        guard !address.isEmpty else { return }
        pending.add(1)
        queue.push(Item(topic: topic, event: bareAny(message), timestamp: timestampNow()))
    }

    private func run() {
        let client = TTRPCBlockingClient(path: address)
        while true {
            guard let item = queue.pop() else { return }
            var envelope = Containerd_Services_Events_Ttrpc_V1_Envelope()
            envelope.timestamp = item.timestamp
            envelope.namespace = namespace
            envelope.topic = item.topic
            envelope.event = item.event
            var request = Containerd_Services_Events_Ttrpc_V1_ForwardRequest()
            request.envelope = envelope
            let payload: [UInt8] = (try? request.serializedBytes()) ?? []
            forward(client, payload, topic: item.topic)
            pending.add(-1)
        }
    }

    private func forward(_ client: TTRPCBlockingClient, _ payload: [UInt8], topic: String) {
        var delay: UInt32 = 50_000
        for attempt in 1...6 {
            do {
                _ = try client.call(service: "containerd.services.events.ttrpc.v1.Events", method: "Forward",
                                    payload: payload, timeoutNano: 5_000_000_000)
                return
            } catch {
                client.close()
                if attempt == 6 { logger.warn("publish \(topic) failed: \(error)") }
                usleep(delay)
                delay *= 2
            }
        }
    }

    /// Waits (bounded) until queued events are sent; used before the shim exits.
    public func drain() {
        for _ in 0..<2000 where pending.value > 0 { usleep(1000) }
    }
}

func timestampNow() -> Google_Protobuf_Timestamp {
    let (s, ns) = Sys.now()
    var t = Google_Protobuf_Timestamp()
    t.seconds = s
    t.nanos = ns
    return t
}

/// Packs a message into an Any with the bare proto name as type URL (containerd 1.6 rejects the
/// `type.googleapis.com/` prefix that `Google_Protobuf_Any(message:)` would add).
/// Built from its wire form, so the shim never names Foundation's Data (not linking Foundation keeps it small).
func bareAny<M: SwiftProtobuf.Message>(_ message: M) -> Google_Protobuf_Any {
    let value: [UInt8] = (try? message.serializedBytes()) ?? []
    var wire: [UInt8] = []
    func field(_ number: UInt8, _ bytes: [UInt8]) {
        wire.append(number << 3 | 2)
        var n = bytes.count
        while n >= 0x80 {
            wire.append(UInt8(n & 0x7f) | 0x80)
            n >>= 7
        }
        wire.append(UInt8(n))
        wire.append(contentsOf: bytes)
    }
    field(1, Array(M.protoMessageName.utf8))
    field(2, value)
    return (try? Google_Protobuf_Any(serializedBytes: wire)) ?? Google_Protobuf_Any()
}

/// A counter shared between the publisher thread and the callers of publish().
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NIOLock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
