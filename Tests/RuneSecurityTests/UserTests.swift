import Glibc
import OCISpec
import RuneSecurity
import RuneSystem
import Testing

@Suite struct UserDatabaseTests {
    static let passwd = """
        root:x:0:0:root:/root:/bin/sh
        # a comment

        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        broken:x:notanumber:0::/broken:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        app:x:1000:1000::/home/app:/bin/sh
        nohome:x:1001:1001
        """
    static let group = """
        root:x:0:
        wheel:x:10:root,app
        staff:x:50: app , other
        nogroup:x:65534:
        bad:x:oops:app
        """

    @Test func passwdParsingSkipsCommentsBlankAndNonNumericLines() {
        let entries = UserDatabase.parsePasswd(Self.passwd)
        #expect(entries.map(\.name) == ["root", "daemon", "nobody", "app", "nohome"])
        #expect(entries[3] == PasswdEntry(name: "app", uid: 1000, gid: 1000, home: "/home/app"))
        #expect(entries[4].home == "")
    }

    @Test func groupParsingReadsMembersAndTrimsThem() {
        let groups = UserDatabase.parseGroup(Self.group)
        #expect(groups.map(\.name) == ["root", "wheel", "staff", "nogroup"])
        #expect(groups[1].members == ["root", "app"])
        #expect(groups[2].members == ["app", "other"])
        #expect(groups[0].members.isEmpty)
    }

    private func withEtc(_ body: (String) throws -> Void) throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileSystem.removeTree(dir) }
        try writeFile(dir + "/passwd", Self.passwd)
        try writeFile(dir + "/group", Self.group)
        try body(dir)
    }

    @Test func numericUserTakesHomeFromPasswdAndKeepsTheSpecGid() throws {
        try withEtc { (etc) throws in
            let user = try ProcessSecurity.resolveUser(User(uid: 1000, gid: 7, umask: 0o077, additionalGids: [10, 10, 5]), etc: etc)
            #expect(user == ResolvedUser(uid: 1000, gid: 7, additionalGids: [10, 5], home: "/home/app", umask: 0o077))
        }
    }

    @Test func numericUserWithoutEntryGetsSlashAsHome() throws {
        try withEtc { (etc) throws in
            #expect(try ProcessSecurity.resolveUser(User(uid: 4242, gid: 4242), etc: etc).home == "/")
            #expect(try ProcessSecurity.resolveUser(User(uid: 1001, gid: 1001), etc: etc).home == "/")
        }
    }

    @Test func missingEtcFilesAreFineForNumericIds() throws {
        let user = try ProcessSecurity.resolveUser(User(uid: 5, gid: 6, additionalGids: [7]), etc: "/nonexistent-etc")
        #expect(user == ResolvedUser(uid: 5, gid: 6, additionalGids: [7], home: "/"))
    }

    @Test func usernameIsLookedUpWithItsMemberGroups() throws {
        try withEtc { (etc) throws in
            let user = try ProcessSecurity.resolveUser(User(additionalGids: [99]), username: "app", etc: etc)
            #expect(user == ResolvedUser(uid: 1000, gid: 1000, additionalGids: [10, 50, 99], home: "/home/app"))
        }
    }

    @Test func unknownUsernameIsAnErrorNamingIt() throws {
        try withEtc { (etc) throws in
            #expect(throws: SecurityError.invalid(field: "process.user", reason: "no user \"ghost\" in the container's /etc/passwd")) {
                try ProcessSecurity.resolveUser(User(), username: "ghost", etc: etc)
            }
            // A numeric name with no entry is a plain uid, as in runc.
            #expect(try ProcessSecurity.resolveUser(User(), username: "777", etc: etc).uid == 777)
        }
    }

    @Test func idsAbove2To31AreRejected() {
        #expect(throws: SecurityError.invalid(field: "process.user.uid", reason: "4294967295 is out of range 0-2147483647")) {
            try ProcessSecurity.resolveUser(User(uid: UInt32.max, gid: 0), etc: "/nonexistent-etc")
        }
    }
}
