/// Entries of the container's /etc/passwd and /etc/group, parsed without NSS (rune is a static binary and,
/// after pivot_root, these are the container's files), following runc's libcontainer/user rules.

import RuneSystem

public struct PasswdEntry: Sendable, Equatable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    public var home: String

    public init(name: String, uid: UInt32, gid: UInt32, home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
    }
}

public struct GroupEntry: Sendable, Equatable {
    public var name: String
    public var gid: UInt32
    public var members: [String]

    public init(name: String, gid: UInt32, members: [String]) {
        self.name = name
        self.gid = gid
        self.members = members
    }
}

public enum UserDatabase {
    /// Parses passwd(5) text: `name:password:uid:gid:gecos:home:shell`. Blank lines, comments and lines whose
    /// ids are not numbers are skipped (runc would read a bad id as 0, which could match root).
    public static func parsePasswd(_ text: String) -> [PasswdEntry] {
        lines(text).compactMap { fields in
            guard fields.count >= 4, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { return nil }
            return PasswdEntry(name: fields[0], uid: uid, gid: gid, home: fields.count > 5 ? fields[5] : "")
        }
    }

    /// Parses group(5) text: `name:password:gid:member,member`.
    public static func parseGroup(_ text: String) -> [GroupEntry] {
        lines(text).compactMap { fields in
            guard fields.count >= 3, let gid = UInt32(fields[2]) else { return nil }
            let members = fields.count > 3 ? fields[3].split(separator: ",").map { String($0).trimmed } : []
            return GroupEntry(name: fields[0], gid: gid, members: members.filter { !$0.isEmpty })
        }
    }

    /// Split and trimmed by bytes: by Character, the init would keep the stdlib's grapheme-breaking
    /// code resident for this alone ("\r\n" still ends a line: the "\r" is trimmed).
    private static func lines(_ text: String) -> [[String]] {
        Array(text.utf8).split(separator: UInt8(ascii: "\n")).compactMap { raw in
            let line = raw.trimmingBytes(where: isBlank)
            if line.isEmpty || line.first == UInt8(ascii: "#") { return nil }
            return line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// What is trimmed from both ends of lines and fields.
    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
}

extension String {
    var trimmed: String { trimmingBytes(where: UserDatabase.isBlank) }
}
