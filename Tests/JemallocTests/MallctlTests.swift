import Jemalloc
import Testing

@Suite("mallctl by name and by MIB")
struct MallctlTests {
    @Test("a control read by MIB equals the same control read by name")
    func mibAndNameAgree() throws {
        try Epoch.advance()
        for name in ["stats.allocated", "stats.active", "stats.resident", "stats.mapped"] {
            let byMIB = try MallctlControl<Int>(name).read()
            let byName = try Mallctl.read(name, as: Int.self)
            #expect(byMIB == byName, "\(name)")
        }
        #expect(try MallctlControl<Int>("arenas.page").read() == Mallctl.read("arenas.page", as: Int.self))
        #expect(try MallctlControl<String>("version").read() == Mallctl.read("version", as: String.self))
        #expect(try MallctlControl<Int>("arenas.bin.<i>.size").read(3) == Mallctl.read("arenas.bin.3.size", as: Int.self))
    }

    @Test("indices fill the <i> and <j> components of the cached MIB")
    func indexedMIB() throws {
        let control = MallctlControl<Int>("stats.arenas.<i>.bins.<j>.curregs")
        let mib = try control.mib()
        #expect(mib == (try Mallctl.mib(of: "stats.arenas.0.bins.0.curregs")))
        #expect(control.resolvedName([7, 2]) == "stats.arenas.7.bins.2.curregs")
        try Epoch.advance()
        let arena = try Arena.current().index
        #expect(try control.read(arena, 1) == Mallctl.read("stats.arenas.\(arena).bins.1.curregs", as: Int.self))
    }

    @Test("an unknown control is reported by name")
    func unknownControl() {
        #expect(throws: MallctlError(control: "stats.no_such_thing", reason: .unknownControl)) {
            try Mallctl.read("stats.no_such_thing", as: Int.self)
        }
        let control = MallctlControl<Int>("arenas.bogus.<i>")
        #expect(throws: MallctlError(control: "arenas.bogus.<i>", reason: .unknownControl)) {
            try control.read(0)
        }
        let message = String(describing: MallctlError(control: "stats.no_such_thing", reason: .unknownControl))
        #expect(message.contains("stats.no_such_thing"))
    }

    @Test("writing a read-only control throws readOnly naming it")
    func readOnlyControl() {
        #expect(throws: MallctlError(control: "stats.allocated", reason: .readOnly)) {
            try Mallctl.write("stats.allocated", 1 as Int)
        }
        #expect(throws: MallctlError(control: "arenas.page", reason: .readOnly)) {
            try MallctlControl<Int>("arenas.page").write(4096)
        }
        #expect(String(describing: MallctlError(control: "arenas.page", reason: .readOnly)).contains("arenas.page"))
    }

    @Test("reading with a Swift type of the wrong size throws wrongSize")
    func wrongSize() {
        // arenas.page is a size_t (8 bytes); read it as a 4-byte UInt32.
        #expect(throws: MallctlError(control: "arenas.page", reason: .wrongSize(requested: 4, actual: nil))) {
            try Mallctl.read("arenas.page", as: UInt32.self)
        }
        // opt.tcache is a bool (1 byte); jemalloc reports its real size.
        #expect(throws: MallctlError(control: "opt.tcache", reason: .wrongSize(requested: 8, actual: 1))) {
            try Mallctl.read("opt.tcache", as: Int.self)
        }
    }

    @Test("a control that exists but is off in this process is notAvailable")
    func notAvailable() {
        // prof.dump exists in a build with profiling but needs opt.prof.
        #expect(throws: MallctlError(control: "prof.dump", reason: .notAvailable)) {
            try Mallctl.write("prof.dump", "/tmp/never.heap")
        }
        #expect(throws: Profiling.Unavailable(builtWithProfiling: true)) {
            try Profiling.dump(to: "/tmp/never.heap")
        }
    }

    @Test("typed reads of every supported type")
    func typedReads() throws {
        #expect(try Mallctl.read("config.stats", as: Bool.self))
        #expect(try Mallctl.read("arenas.nbins", as: UInt32.self) > 30)
        #expect(try Mallctl.read("arenas.quantum", as: Int.self) == 16)
        #expect(try Mallctl.read("arenas.quantum", as: UInt.self) == 16)
        #expect(try Mallctl.read("opt.stats_interval", as: Int64.self) == -1)
        #expect(try Mallctl.read("version", as: String.self).hasPrefix("5.3"))
        let before = try ThreadCounters.allocated()
        let block = try Allocator.allocate(byteCount: 1000)
        #expect(try ThreadCounters.allocated() >= before + 1000)
        Allocator.deallocate(block, byteCount: 1000)
        #expect(try Epoch.advance() > 0)
    }

    @Test("writes take effect and exchange returns the old value")
    func writeAndExchange() throws {
        let arena = try Arena.create()
        defer { try? arena.destroy() }
        try arena.setDirtyDecayMilliseconds(1234)
        #expect(try arena.dirtyDecayMilliseconds() == 1234)
        let control = MallctlControl<Int>("arena.<i>.muzzy_decay_ms")
        try control.write(55, arena.index)
        #expect(try control.exchange(66, arena.index) == 55)
        #expect(try arena.muzzyDecayMilliseconds() == 66)
        #expect(throws: MallctlError(control: "arena.\(arena.index).dirty_decay_ms", reason: .operationFailed)) {
            // jemalloc answers EFAULT for a decay time below -1.
            try arena.setDirtyDecayMilliseconds(-7)
        }
    }
}
