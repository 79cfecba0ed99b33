import Glibc
import RuneSystem

extension Runtime {
    /// `rune run`: create + start; in the foreground it waits, forwards signals, and deletes afterwards unless `keep`.
    public func run(id: String, options: CreateOptions, detach: Bool, keep: Bool) throws(RuneError) -> Int32 {
        var opts = options
        opts.foreground = !detach
        if !detach {
            Waiter.becomeSubreaper()
            Waiter.blockForwarded()
        }
        let bundle = FileSystem.absolute(options.bundle)
        let spec = try loadSpec(bundle: bundle)
        var proxy: TerminalProxy?
        if spec.process?.terminal == true && !detach && options.consoleSocket == nil {
            proxy = try TerminalProxy()
            opts.consoleSocketFd = proxy!.containerEnd
        }
        let state = try create(id: id, options: opts, bundle: bundle, spec: spec)
        try proxy?.receiveMaster()
        do {
            try start(created: state)
        } catch {
            try? delete(ran: state)
            throw error
        }
        if detach { return 0 }
        proxy?.start()
        let code = Waiter.wait(for: state.initPid)
        proxy?.restore()
        if !keep { try? delete(ran: state) }
        return code
    }
}
