import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

extension ProcessSecurity {
    /// Resolves `process.user` against `<etc>/passwd` and `<etc>/group` as runc's libcontainer/user does:
    /// a `username` (from `exec --user NAME`) is looked up and gives uid, gid, home and its member groups;
    /// numeric ids need no entry, but take HOME from the first passwd entry with that uid. Missing files are fine
    /// for numeric ids. `additionalGids` are appended to the supplementary groups.
    public static func resolveUser(_ user: User, username: String? = nil, etc: String = "/etc") throws(SecurityError) -> ResolvedUser {
        let passwd = UserDatabase.parsePasswd(try readOptional(etc + "/passwd") ?? "")
        var resolved = ResolvedUser(uid: user.uid, gid: user.gid, umask: user.umask)
        if let name = username, !name.isEmpty {
            resolved = try lookUp(name: name, passwd: passwd, groupPath: etc + "/group", umask: user.umask)
        } else if let entry = passwd.first(where: { $0.uid == user.uid }), !entry.home.isEmpty {
            resolved.home = entry.home
        }
        for gid in user.additionalGids ?? [] where !resolved.additionalGids.contains(gid) {
            resolved.additionalGids.append(gid)
        }
        try checkRange(resolved.uid, field: "process.user.uid")
        try checkRange(resolved.gid, field: "process.user.gid")
        for gid in resolved.additionalGids { try checkRange(gid, field: "process.user.additionalGids") }
        return resolved
    }

    private static func lookUp(name: String, passwd: [PasswdEntry], groupPath: String, umask: UInt32?) throws(SecurityError) -> ResolvedUser {
        guard let entry = passwd.first(where: { $0.name == name }) else {
            // As runc: a numeric name with no entry is a plain uid.
            guard let uid = UInt32(name) else {
                throw .invalid(field: "process.user", reason: "no user \"\(name)\" in the container's /etc/passwd")
            }
            return ResolvedUser(uid: uid, gid: 0, umask: umask)
        }
        let groups = UserDatabase.parseGroup(try readOptional(groupPath) ?? "")
        var gids: [UInt32] = []
        for group in groups where group.members.contains(name) && !gids.contains(group.gid) { gids.append(group.gid) }
        return ResolvedUser(uid: entry.uid, gid: entry.gid, additionalGids: gids, home: entry.home.isEmpty ? "/" : entry.home, umask: umask)
    }

    /// runc keeps ids below 2^31 for 32-bit compatibility; (uid_t)-1 would mean "unchanged" to setresuid.
    private static func checkRange(_ id: UInt32, field: String) throws(SecurityError) {
        if id > UInt32(Int32.max) { throw .invalid(field: field, reason: "\(id) is out of range 0-\(Int32.max)") }
    }

    /// Reads a file, or nil when it does not exist.
    static func readOptional(_ path: String) throws(SecurityError) -> String? {
        do {
            return try FileSystem.readString(path)
        } catch {
            if error.errno == ENOENT || error.errno == ENOTDIR { return nil }
            throw .system(error)
        }
    }
}
