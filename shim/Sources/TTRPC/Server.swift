import NIOCore
import NIOPosix

/// Answers one ttrpc request. Throw a `TTRPCError` to send its status; any other error becomes Unknown.
public protocol TTRPCHandler: AnyObject, Sendable {
    func handle(_ request: TTRPCRequest) async throws -> [UInt8]
    /// Called once per accepted connection when the peer goes away.
    func connectionClosed()
    /// Called once the reply to `request` has been written to the socket (e.g. to exit after Shutdown).
    func replySent(_ request: TTRPCRequest)
}

extension TTRPCHandler {
    public func connectionClosed() {}
    public func replySent(_ request: TTRPCRequest) {}
}

/// A ttrpc server: every request runs in its own task, replies go out in completion order.
public final class TTRPCServer: @unchecked Sendable {
    private let group: EventLoopGroup
    private let handler: TTRPCHandler

    public init(group: EventLoopGroup, handler: TTRPCHandler) {
        self.group = group
        self.handler = handler
    }

    /// Serves on an already bound and listening unix socket (the shim receives it as fd 3).
    public func serve(listeningSocket fd: Int32) throws -> Channel {
        try bootstrap().withBoundSocket(fd).wait()
    }

    /// Binds `path` and serves on it (tests).
    public func serve(unixPath path: String) throws -> Channel {
        try bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
    }

    private func bootstrap() -> ServerBootstrap {
        let handler = self.handler
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(TTRPCConnectionHandler(handler: handler))
            }
    }
}

final class TTRPCConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let handler: TTRPCHandler
    private var parser = TTRPCFrameParser()
    private var inFlight: [UInt32: Task<Void, Never>] = [:]

    init(handler: TTRPCHandler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { parser.append(bytes) }
        while let frame = parser.next() { dispatch(frame, context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Client EOF: cancel this connection's handlers (Wait and friends observe cancellation).
        for task in inFlight.values { task.cancel() }
        inFlight.removeAll()
        handler.connectionClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func dispatch(_ frame: TTRPCFrame, context: ChannelHandlerContext) {
        let stream = frame.header.streamID
        if frame.oversized {
            let msg = "message length \(frame.header.length) exceeds maximum message size of \(TTRPCFrameHeader.maxPayload)"
            return reply(stream, TTRPCResponse(status: TTRPCError(.resourceExhausted, msg)), context.channel)
        }
        guard frame.header.type == TTRPCMessageType.request.rawValue else { return }  // ignore unknown types
        guard stream % 2 == 1 else {
            return reply(stream, TTRPCResponse(status: TTRPCError(.invalidArgument, "StreamID must be odd for client initiated streams")), context.channel)
        }
        let request: TTRPCRequest
        do {
            request = try TTRPCRequest.decode(frame.payload)
        } catch {
            return reply(stream, TTRPCResponse(status: error), context.channel)
        }
        let channel = context.channel
        let handler = self.handler
        let loop = context.eventLoop
        inFlight[stream] = Task {
            let response: TTRPCResponse
            do {
                response = TTRPCResponse(payload: try await handler.handle(request))
            } catch let error as TTRPCError {
                response = TTRPCResponse(status: error)
            } catch {
                response = TTRPCResponse(status: TTRPCError(.unknown, "\(error)"))
            }
            loop.execute {
                self.inFlight[stream] = nil
                self.reply(stream, response, channel) { handler.replySent(request) }
            }
        }
    }

    private func reply(_ stream: UInt32, _ response: TTRPCResponse, _ channel: Channel, sent: (() -> Void)? = nil) {
        let frame = TTRPCFrame(streamID: stream, type: .response, payload: response.encoded())
        let done = channel.writeAndFlush(channel.allocator.buffer(bytes: frame.encoded()))
        if let sent { done.whenComplete { _ in sent() } }
    }
}
