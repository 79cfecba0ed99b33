import Testing
@testable import OCISpec

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentKeepingMemberOrder() throws {
        let value = try TestSupport.parse(#"{"b": [1, -2.5e3, true, null], "a": {"z": "x", "y": ""}}"#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(value["a"]?["z"] == .string("x"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try TestSupport.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00", "\ud800x"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n\t"), .string("é😀"), .string("\u{FFFD}x")]))
    }

    @Test(arguments: [
        ("{\n  \"a\": [1, 2,]\n}", 2, 14, "unexpected ']' looking for a value"),
        ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}' after object member \"a\""),
        ("{\"a\" 1}", 1, 6, "expected ':' after object key \"a\""),
        ("{\"a\": tru}", 1, 7, "unexpected 't' looking for a value"),
        ("{\"a\": 01}", 1, 8, "expected ',' or '}' after object member \"a\""),
        ("{\"a\": \"x\\q\"}", 1, 10, "invalid escape 'q' in string"),
        ("{\"a\": 1} x", 1, 10, "unexpected 'x' after top-level value"),
        ("{\"a\": [1", 1, 9, "unexpected end of input"),
        ("\n\n", 3, 1, "empty document"),
        ("{\"a\": \"x\ny\"}", 1, 9, "control character byte 0xa in string"),
        ("{\"a\": -}", 1, 8, "invalid number: expected a digit"),
    ])
    func reportsSyntaxErrorsWithPosition(input: String, line: Int, column: Int, reason: String) {
        #expect(throws: JSONSyntaxError(line: line, column: column, reason: reason)) {
            try JSONParser.parse(Array(input.utf8))
        }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test func semanticEqualityIgnoresMemberOrderButNotArrayOrder() throws {
        let one = try TestSupport.parse(#"{"a": 1, "b": [1, 2], "c": {"x": true, "y": null}}"#)
        let two = try TestSupport.parse(#"{"c": {"y": null, "x": true}, "b": [1, 2], "a": 1}"#)
        let three = try TestSupport.parse(#"{"c": {"y": null, "x": true}, "b": [2, 1], "a": 1}"#)
        #expect(one.isSemanticallyEqual(to: two))
        #expect(!one.isSemanticallyEqual(to: three))
        #expect(!one.isSemanticallyEqual(to: try TestSupport.parse(#"{"a": 1}"#)))
    }
}

@Suite struct JSONWriterTests {
    @Test func writesCompactLikeGoMarshal() throws {
        let value = try TestSupport.parse(#"{"b":[1,true,null,[],{}],"a":"x<y>&z\u2028\u0001/"}"#)
        #expect(JSONWriter.write(value) == #"{"b":[1,true,null,[],{}],"a":"x\u003cy\u003e\u0026z\u2028\u0001/"}"#)
    }

    @Test func writesIndentedLikeGoMarshalIndent() throws {
        let value = try TestSupport.parse(#"{"a":[1,{"b":[]}],"c":{}}"#)
        #expect(JSONWriter.write(value, indent: "\t") == "{\n\t\"a\": [\n\t\t1,\n\t\t{\n\t\t\t\"b\": []\n\t\t}\n\t],\n\t\"c\": {}\n}")
    }

    @Test func encoderKeepsDeclarationOrderSortsMapsAndOmitsNil() {
        let mount = Mount(destination: "/d", type: nil, source: "s", options: ["ro"])
        #expect(OCIJSON.encode(mount) == #"{"destination":"/d","source":"s","options":["ro"]}"#)
        let spec = Spec(ociVersion: "1.2.0", annotations: ["z": "1", "a": "2", "m": "3"])
        #expect(OCIJSON.encode(spec) == #"{"ociVersion":"1.2.0","annotations":{"a":"2","m":"3","z":"1"}}"#)
    }

    @Test func roundTripsExtremeIntegers() throws {
        let resources = LinuxResources(memory: LinuxMemory(limit: Int64.min, swappiness: UInt64.max))
        let text = OCIJSON.encode(resources)
        #expect(text == #"{"memory":{"limit":-9223372036854775808,"swappiness":18446744073709551615}}"#)
        #expect(try OCIJSON.decode(LinuxResources.self, from: Array(text.utf8), name: "x") == resources)
    }
}

/// Types outside OCISpec may have hand-written decoders that throw DecodingError; the path survives.
private enum Status: String, Codable { case created, running }
private struct Box2: Codable { var items: [Status] }

@Suite struct ForeignDecodingErrorTests {
    @Test func decodingErrorKeepsDottedPath() {
        #expect(throws: SpecError(#"state.json: items[1]: cannot initialize Status from invalid String value paused"#)) {
            try OCIJSON.decode(Box2.self, from: Array(#"{"items": ["created", "paused"]}"#.utf8), name: "state.json")
        }
    }
}
