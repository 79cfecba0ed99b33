import Glibc
import RuneSystem

/// Creating cpuset directories: a new cpuset cgroup starts with empty cpus and mems and refuses
/// tasks until they are set, so each new level copies them from its parent (as runc does).
enum CpusetTree {
    /// Makes `dir` (and missing parents) with cpus and mems filled. The usual case, a new directory
    /// under a filled parent, is one mkdir, two reads of the parent and two writes.
    static func create(_ dir: String) throws(CgroupError) {
        var made: [String] = []
        try create(dir, made: &made)
    }

    static func create(_ dir: String, made: inout [String]) throws(CgroupError) {
        if mkdir(dir, 0o755) == 0 {
            made.append(dir)
            return try fill(dir, made: &made)
        }
        let err = errno
        if err == EEXIST, FileSystem.isDirectory(dir) {
            if !isFilled(dir) { try fill(dir, made: &made) }
            return
        }
        let parent = CgroupLayout.parentDirectory(dir)
        guard err == ENOENT, parent != "/" else {
            throw .system(SyscallError(name: "mkdir", errno: err == EEXIST ? ENOTDIR : err, context: dir))
        }
        try create(parent, made: &made)
        try CgroupFiles.makeDirectory(dir, made: &made)
        try fill(dir, made: &made)
    }

    /// Copies cpus and mems from the parent, filling the parent first if it is an empty cpuset itself.
    /// A parent without the files is not a cpuset (the hierarchy was left): nothing to copy.
    private static func fill(_ dir: String, made: inout [String]) throws(CgroupError) {
        let parent = CgroupLayout.parentDirectory(dir)
        for file in ["cpuset.cpus", "cpuset.mems"] {
            guard var value = try? CgroupFiles.read(parent + "/" + file) else { return }
            if CgroupFiles.trim(value).isEmpty && parent != "/" {
                try create(parent, made: &made)
                value = try CgroupFiles.read(parent + "/" + file)
            }
            try CgroupFiles.write(dir + "/" + file, value)
        }
    }

    private static func isFilled(_ dir: String) -> Bool {
        !(CgroupFiles.readTrimmed(dir + "/cpuset.cpus") ?? "").isEmpty
            && !(CgroupFiles.readTrimmed(dir + "/cpuset.mems") ?? "").isEmpty
    }
}

/// Creating a cgroup2 directory: every ancestor below the mount root writes all of its available
/// controllers into cgroup.subtree_control so the new cgroup gets the files (as runc's fs2 does).
enum UnifiedTree {
    static func create(_ dir: String) throws(CgroupError) {
        var made: [String] = []
        try create(dir, made: &made)
    }

    static func create(_ dir: String, made: inout [String]) throws(CgroupError) {
        // Directories still to make, then the nearest one that exists (which must be in cgroup2).
        var missing: [String] = []
        var existing = dir
        while !FileSystem.isDirectory(existing), existing != "/" {
            missing.insert(existing, at: 0)
            existing = CgroupLayout.parentDirectory(existing)
        }
        guard CgroupFiles.exists(existing + "/cgroup.controllers") else {
            throw .layout("\(dir) is not inside a cgroup2 file system")
        }
        // Existing levels below the mount root: ones whose parent is a cgroup too.
        var levels: [String] = []
        var current = existing
        while current != "/", CgroupFiles.exists(CgroupLayout.parentDirectory(current) + "/cgroup.controllers") {
            levels.insert(current, at: 0)
            current = CgroupLayout.parentDirectory(current)
        }
        for path in levels + missing {
            enableControllers(in: CgroupLayout.parentDirectory(path))
            try CgroupFiles.makeDirectory(path, made: &made)
        }
    }

    /// Enables every controller the parent offers; ones the kernel refuses (for instance because
    /// the parent has processes in it) are skipped one by one, as runc does.
    static func enableControllers(in dir: String) {
        guard let available = CgroupFiles.readTrimmed(dir + "/cgroup.controllers"), !available.isEmpty else { return }
        let names = available.split(separator: " ")
        let enabled = Set((CgroupFiles.readTrimmed(dir + "/cgroup.subtree_control") ?? "").split(separator: " "))
        let missing = names.filter { !enabled.contains($0) }
        guard !missing.isEmpty else { return }
        let all = missing.map { "+" + $0 }.joined(separator: " ")
        if (try? CgroupFiles.write(dir + "/cgroup.subtree_control", all)) != nil { return }
        for name in missing { try? CgroupFiles.write(dir + "/cgroup.subtree_control", "+" + name) }
    }
}
