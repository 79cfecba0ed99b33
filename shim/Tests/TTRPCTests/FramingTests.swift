import TTRPC
import XCTest

final class FramingTests: XCTestCase {
    func testHeaderMatchesObservedCreateBytes() {
        let header = TTRPCFrameHeader(length: 0xe5, streamID: 1, type: TTRPCMessageType.request.rawValue)
        XCTAssertEqual(header.encoded(), [0, 0, 0, 0xe5, 0, 0, 0, 1, 1, 0])
        XCTAssertEqual(TTRPCFrameHeader.decode(header.encoded()), header)
    }

    func testEmptySuccessResponseIsAZeroLengthFrame() {
        let frame = TTRPCFrame(streamID: 5, type: .response, payload: TTRPCResponse().encoded())
        XCTAssertEqual(frame.encoded(), [0, 0, 0, 0, 0, 0, 0, 5, 2, 0])
    }

    func testRequestRoundTrip() throws {
        let req = TTRPCRequest(service: "containerd.task.v2.Task", method: "Create", payload: [1, 2, 3, 0xff],
                               timeoutNano: 2_000_000_000, metadata: [("containerd-namespace-ttrpc", "k8s.io")])
        let bytes = req.encoded()
        XCTAssertEqual(Array(bytes.prefix(2)), [0x0a, 23])  // field 1, length of the service name
        XCTAssertEqual(try TTRPCRequest.decode(bytes), req)
    }

    func testErrorResponseRoundTrip() throws {
        let resp = TTRPCResponse(status: TTRPCError(.notFound, "container x not found"))
        let decoded = try TTRPCResponse.decode(resp.encoded())
        XCTAssertEqual(decoded.status, TTRPCError(.notFound, "container x not found"))
        XCTAssertEqual(decoded.payload, [])
    }

    func testTruncatedRequestIsRejected() {
        var bytes = TTRPCRequest(service: "s", method: "m", payload: [1, 2, 3]).encoded()
        bytes.removeLast()
        XCTAssertThrowsError(try TTRPCRequest.decode(bytes)) { error in
            XCTAssertEqual((error as? TTRPCError)?.code, .invalidArgument)
        }
    }

    func testParserReassemblesByteByByte() {
        let a = TTRPCFrame(streamID: 1, type: .request, payload: Array("first".utf8))
        let b = TTRPCFrame(streamID: 3, type: .request, payload: [])
        var parser = TTRPCFrameParser()
        var got: [TTRPCFrame] = []
        for byte in a.encoded() + b.encoded() {
            parser.append([byte])
            while let f = parser.next() { got.append(f) }
        }
        XCTAssertEqual(got, [a, b])
    }

    func testOversizedFrameIsDiscardedAndTheStreamContinues() {
        var parser = TTRPCFrameParser(maxPayload: 16)
        let big = TTRPCFrame(streamID: 7, type: .request, payload: [UInt8](repeating: 0xaa, count: 40))
        let next = TTRPCFrame(streamID: 9, type: .request, payload: Array("ok".utf8))
        let bytes = big.encoded() + next.encoded()
        parser.append(bytes[0..<20])
        XCTAssertNil(parser.next(), "the oversized payload has not fully arrived")
        parser.append(bytes[20...])
        let dropped = parser.next()
        XCTAssertEqual(dropped?.oversized, true)
        XCTAssertEqual(dropped?.header.streamID, 7)
        XCTAssertEqual(dropped?.payload, [])
        XCTAssertEqual(parser.next(), next)
        XCTAssertNil(parser.next())
    }

    func testDefaultLimitIsFourMiB() {
        XCTAssertEqual(TTRPCFrameHeader.maxPayload, 4 << 20)
    }
}
