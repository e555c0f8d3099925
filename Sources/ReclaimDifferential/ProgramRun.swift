import Reclaim

/// Runs a ``Program`` on a new Reclaim heap and returns the lines it
/// printed, as python3 would print them for the program's Python source.
///
/// The program's variables are this run's references: each bound name
/// holds one reference to its object, as a Python global does.
public final class ProgramRun {
    let heap: Heap
    let classes: [Program.Class: ObjectType]
    /// The lines printed so far; finalizers and callbacks append too.
    private(set) var output: [String] = []
    var objects: [Int: RawRef] = [:]
    var lists: [Int: RawRef] = [:]
    var dicts: [Int: RawRef] = [:]
    var tuples: [Int: RawRef] = [:]
    var weakReferences: [Int: RawRef] = [:]
    /// Python's global list `saved`, where Phoenix objects resurrect.
    let saved: RawRef

    init() throws {
        heap = try Heap()
        heap.collector.isEnabled = false
        let heap = self.heap
        let savedList = try heap.list().takeRaw()
        saved = savedList
        var made: [Program.Class: ObjectType] = [:]
        // The classes' finalizers print into the run's output through a box
        // set once `self` exists.
        let box = OutputBox()
        for type in Program.Class.allCases {
            let finalizer: ObjectType.Finalizer?
            switch type {
            case .plain:
                finalizer = nil
            case .loud:
                finalizer = { this in box.print("del \(try this.attribute("name").stringValue())") }
            case .phoenix:
                finalizer = { this in
                    box.print("del \(try this.attribute("name").stringValue())")
                    try heap.withBorrowed(savedList) { try $0.append(this) }
                }
            }
            made[type] = ObjectType.makeClass(type.rawValue, attributes: ["name", "a", "b"],
                                              supportsWeakReferences: true, finalizer: finalizer)
        }
        classes = made
        self.box = box
        box.run = self
    }

    private let box: OutputBox

    /// Where finalizers and callbacks print: the run, once made.
    final class OutputBox: @unchecked Sendable {
        weak var run: ProgramRun?
        func print(_ line: String) { run?.output.append(line) }
    }

    /// Runs `program` on a new heap and returns what it printed, up to and
    /// including the end marker.
    public static func output(of program: Program) throws -> [String] {
        let run = try ProgramRun()
        // Every object goes with the heap, no finalizer runs: what python3
        // prints at teardown is not compared.
        defer { run.heap.destroy() }
        for statement in program.statements { try run.execute(statement) }
        run.output.append(Program.collectionMarker)
        run.output.append("collect \(run.heap.collector.collect())")
        run.output.append(Program.endMarker)
        return run.output
    }

    func say(_ line: String) { output.append(line) }

    /// Replaces the reference `table[index]` holds with `value` (retained),
    /// releasing the old one after, as Python's rebinding does.
    func rebind(_ table: inout [Int: RawRef], _ index: Int, to value: RawRef?) {
        value?.retain()
        let old = table[index]
        table[index] = value
        old?.release()
    }

    func execute(_ statement: Program.Statement) throws {
        switch statement {
        case let .new(variable, type, name):
            let object = try heap.instance(of: classes[type]!)
            try object.setAttribute("name", to: heap.str(name))
            let raw = object.takeRaw()
            rebind(&objects, variable, to: raw)
            raw.release()
        case let .link(target, attribute, source):
            guard let target = objects[target], let source = objects[source] else { return }
            try heap.withBorrowed(target) { t in try heap.withBorrowed(source) { try t.setAttribute(attribute.rawValue, to: $0) } }
        case let .unlink(target, attribute):
            guard let target = objects[target] else { return }
            try heap.withBorrowed(target) { try $0.setAttribute(attribute.rawValue, to: heap.none) }
        case let .bind(target, source):
            guard let source = objects[source] else { return }
            rebind(&objects, target, to: source)
        case let .delete(variable):
            rebind(&objects, variable, to: nil)
        case let .newList(list):
            let made = try heap.list().takeRaw()
            rebind(&lists, list, to: made)
            made.release()
        case let .append(list, source):
            guard let list = lists[list], let source = objects[source] else { return }
            try heap.withBorrowed(list) { l in try heap.withBorrowed(source) { try l.append($0) } }
        case let .pop(list):
            guard let list = lists[list] else { return }
            try heap.withBorrowed(list) { l in
                if try l.length() > 0 { _ = try l.pop() }
            }
        case let .deleteList(list):
            rebind(&lists, list, to: nil)
        case let .newDict(dict):
            let made = try heap.dict().takeRaw()
            rebind(&dicts, dict, to: made)
            made.release()
        case let .setItem(dict, key, source):
            guard let dict = dicts[dict], let source = objects[source] else { return }
            let name = try heap.str("k\(key)")
            try heap.withBorrowed(dict) { d in try heap.withBorrowed(source) { try d.setValue($0, forKey: name) } }
        case let .deleteItem(dict, key):
            guard let dict = dicts[dict] else { return }
            let name = try heap.str("k\(key)")
            try heap.withBorrowed(dict) { d in _ = try d.removeValue(forKey: name) }
        case let .newTuple(tuple, first, second):
            guard let first = objects[first], let second = objects[second] else { return }
            let made = try heap.tuple([first, second]).takeRaw()
            rebind(&tuples, tuple, to: made)
            made.release()
        case let .deleteTuple(tuple):
            rebind(&tuples, tuple, to: nil)
        case let .weakReference(reference, target, callback):
            guard let target = objects[target] else { return }
            let box = self.box
            let made = try heap.withBorrowed(target) { t in
                try heap.weakReferences.reference(to: t, callback: callback ? { _ in box.print("callback w\(reference)") } : nil)
                    .takeRaw()
            }
            rebind(&weakReferences, reference, to: made)
            made.release()
        case let .weakReferenceHolding(reference, target, holder):
            guard let target = objects[target], let holder = objects[holder] else { return }
            let box = self.box
            var captures = RefArray()
            captures.append(Ref(retaining: holder, heap: heap))
            let callback = try heap.function("callback", capturing: captures) { function, _ in
                box.print("callback w\(reference) \(try function.capture(at: 0).attribute("name").stringValue())")
                return function.heap.none
            }
            let made = try heap.withBorrowed(target) { t in
                try heap.weakReferences.reference(to: t, callback: callback).takeRaw()
            }
            rebind(&weakReferences, reference, to: made)
            made.release()
        case let .deleteWeakReference(reference):
            rebind(&weakReferences, reference, to: nil)
        case let .checkWeakReference(reference):
            guard let weak = weakReferences[reference] else { return }
            let alive = try heap.withBorrowed(weak) { try $0.referent() != nil }
            say("alive w\(reference) \(alive ? "True" : "False")")
        case let .finalize(target, label):
            guard let target = objects[target] else { return }
            let box = self.box
            try heap.withBorrowed(target) { _ = try heap.weakReferences.finalize($0) { box.print("finalize \(label)") } }
        case let .collect(generation):
            say(Program.collectionMarker)
            if let generation {
                say("collect\(generation) \(try heap.collector.collect(generation: generation))")
            } else {
                say("collect \(heap.collector.collect())")
            }
        case let .isTracked(variable):
            guard let object = objects[variable] else { return }
            let tracked = heap.withBorrowed(object) { heap.collector.isTracked($0) }
            say("tracked v\(variable) \(tracked ? "True" : "False")")
        case let .isFinalized(variable):
            guard let object = objects[variable] else { return }
            let finalized = heap.withBorrowed(object) { heap.collector.isFinalized($0) }
            say("finalized v\(variable) \(finalized ? "True" : "False")")
        case let .referenceCount(variable):
            guard let object = objects[variable] else { return }
            say("refs v\(variable) \(object.referenceCount)")
        case .releaseSaved:
            // As list.clear(): the items leave the list first, then go last
            // first; what their finalizers save meanwhile stays saved.
            var items: [RawRef] = []
            try heap.withBorrowed(saved) { list in
                while try list.length() > 0 { items.append(try list.pop().takeRaw()) }
            }
            for item in items { item.release() }
        }
    }
}
