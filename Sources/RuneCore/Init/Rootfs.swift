import CRuneLinux
import Glibc
import OCISpec
import RuneSystem

/// Builds the container's filesystem view in its new mount namespace and pivots into it,
/// in runc's order: propagation, rootfs bind, spec mounts, devices, hooks, pivot_root.
struct RootfsBuilder {
    let config: InitConfig
    let host: HostReadiness
    var spec: Spec { config.spec }
    var rootfs: String { config.rootfs }

    func prepare(runtimeHooks: () throws(RuneError) -> Void) throws(RuneError) {
        do {
            let propagation = MountOptions.propagationFlags[spec.linux?.rootfsPropagation ?? ""] ?? (UInt(MS_SLAVE) | UInt(MS_REC))
            try mountCall(nil, "/", nil, propagation, nil, context: "/ (rootfs propagation)")
            // After a recursive slave, private or unbindable change (the default is rslave) no mount is shared.
            let noneShared = propagation & UInt(MS_REC) != 0 && propagation & (UInt(MS_SLAVE) | UInt(MS_PRIVATE) | UInt(MS_UNBINDABLE)) != 0
            if !noneShared { try makeParentPrivate() }
            try mountCall(rootfs, rootfs, "bind", UInt(MS_BIND) | UInt(MS_REC), nil, context: rootfs)
            let root = try SafeRoot(rootfs)
            defer { root.close() }
            for mount in spec.mounts ?? [] {
                // sysfs shows the network namespace of the mounting process.
                if mount.type == "sysfs" { try host.network() }
                if mount.type == "cgroup" { try host.cgroups() }
                try mountOne(mount, root: root)
            }
            try host.wait()
            let devices = DeviceSetup(config: config, root: root)
            try devices.create()
        } catch let e as SyscallError { throw RuneError(.failed, "rootfs \(rootfs): \(e)") } catch let e as RuneError { throw e } catch {
            throw RuneError(.failed, "\(error)")
        }
        try runtimeHooks()
        try HookRunner.run(spec.hooks?.createContainer, kind: "createContainer",
                           state: State(ociVersion: spec.ociVersion, id: config.id, status: "creating", pid: Int(config.hostPid),
                                            bundle: config.bundle, annotations: spec.annotations))
        do { try enterRoot() } catch { throw RuneError(.failed, "pivot_root \(rootfs): \(error)") }
    }

    /// A shared parent mount would propagate our rootfs bind back to the host; make the parent private.
    private func makeParentPrivate() throws(SyscallError) {
        guard let info = try? FileSystem.readString("/proc/self/mountinfo") else { return }
        var best = ""
        var shared = false
        for entry in MountInfo.entries(info) {
            let point = entry.mountPoint
            if (rootfs == point || rootfs.hasBytePrefix(point == "/" ? "/" : point + "/")) && point.utf8.count >= best.utf8.count {
                best = point
                shared = entry.isShared
            }
        }
        if shared { try mountCall(nil, best, nil, UInt(MS_PRIVATE), nil, context: best) }
    }

    private func mountOne(_ mount: Mount, root: SafeRoot) throws(RuneError) {
        let dest = mount.destination
        do {
            if mount.type == "cgroup" {
                try CgroupMount(config: config, root: root).mount(mount)
                return
            }
            let opts = MountOptions(mount.options, type: mount.type)
            let sourceIsFile = opts.isBind && !FileSystem.isDirectory(mount.source ?? "")
            let target = try root.ensure(dest, file: sourceIsFile)
            defer { close(target) }
            let path = procFdPath(target)
            if opts.isBind {
                let source = resolveSource(mount.source ?? "")
                try mountCall(source, path, "bind", opts.flags & (UInt(MS_BIND) | UInt(MS_REC)), nil, context: dest)
                let extra = opts.flags & ~(UInt(MS_BIND) | UInt(MS_REC) | UInt(MS_REMOUNT))
                if extra != 0 {
                    let fresh = try root.open(dest)
                    defer { close(fresh) }
                    try remountBind(procFdPath(fresh), flags: opts.flags, dest: dest)
                }
            } else {
                try mountCall(mount.source ?? mount.type, path, mount.type, opts.flags, opts.data.isEmpty ? nil : opts.dataString,
                              context: dest)
            }
            for p in opts.propagation {
                let fresh = try root.open(dest)
                defer { close(fresh) }
                try mountCall(nil, procFdPath(fresh), nil, p, nil, context: dest)
            }
        } catch {
            throw RuneError(.failed, "mount \(mount.source ?? mount.type ?? "") to \(dest) (type \(mount.type ?? "bind")): \(error)")
        }
    }

    /// Bind sources are host paths, relative ones against the bundle.
    private func resolveSource(_ source: String) -> String {
        source.hasBytePrefix("/") ? source : config.bundle + "/" + source
    }

    /// Applies flags to a bind mount by remounting it, keeping locked flags the kernel insists on.
    private func remountBind(_ path: String, flags: UInt, dest: String) throws(SyscallError) {
        var st = statvfs()
        var keep: UInt = 0
        if statvfs(path, &st) == 0 {
            let locked = UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC) | UInt(MS_RDONLY) | UInt(MS_NOATIME) | UInt(MS_RELATIME)
            keep = UInt(st.f_flag) & locked & ~UInt(MS_RDONLY)
        }
        let f = (flags & ~UInt(MS_REC)) | UInt(MS_REMOUNT) | UInt(MS_BIND) | keep
        try mountCall(nil, path, nil, f, nil, context: dest)
    }

    /// pivot_root into the rootfs and detach the old root; with --no-pivot, move the mount over / and chroot.
    private func enterRoot() throws(SyscallError) {
        try Syscall.check("chdir", rootfs) { chdir(rootfs) }
        if config.noPivot {
            try mountCall(rootfs, "/", nil, UInt(MS_MOVE), nil, context: rootfs)
            try Syscall.check("chroot", rootfs) { chroot(".") }
        } else {
            try Syscall.check("pivot_root", rootfs) { rune_pivot_root(".", ".") }
            try mountCall(nil, ".", nil, UInt(MS_SLAVE) | UInt(MS_REC), nil, context: "old root")
            try Syscall.check("umount2", "old root") { umount2(".", Int32(MNT_DETACH)) }
        }
        try Syscall.check("chdir", "/") { chdir("/") }
    }

    /// After pivot_root: read-only root, propagation of /, and the /proc and /sys protections.
    func finish() throws(RuneError) {
        do {
            if spec.root?.readonly == true {
                try mountCall(nil, "/", nil, UInt(MS_REMOUNT) | UInt(MS_BIND) | UInt(MS_RDONLY) | readonlyKeep("/"), nil, context: "/ (readonly)")
            }
            if let p = spec.linux?.rootfsPropagation, let flag = MountOptions.propagationFlags[p] {
                try mountCall(nil, "/", nil, flag, nil, context: "/ (rootfs propagation)")
            }
        } catch { throw RuneError(.failed, "finish rootfs: \(error)") }
    }

    private func readonlyKeep(_ path: String) -> UInt {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else { return 0 }
        return UInt(st.f_flag) & (UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC))
    }
}
