import Testing
@testable import OCISpec

@Suite struct JSONLayerTests {
    @Test func parsesAndWritesCompactly() throws {
        let value = try JSONParser.parse(Array(#"{"b":[1,true,null],"a":"x<y"}"#.utf8))
        #expect(JSONWriter.write(value) == #"{"b":[1,true,null],"a":"x\u003cy"}"#)
    }
}
