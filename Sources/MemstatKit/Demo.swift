import Reclaim

/// `memstat demo`: the seed articles' scenarios run on a managed heap in
/// memstat's own process, each step narrated as a Python session would show
/// it, with the heap's figures before and after.
public struct Demo: Codable, Sendable {
    /// One scenario.
    public struct Step: Codable, Sendable {
        /// The step's headline, in a sentence.
        public var title: String
        /// What the step shows, in a sentence or two.
        public var lesson: String
        /// The session: `>>> ` lines are what ran (in Python terms), the
        /// others what it printed (finalizers included).
        public var transcript: [String]
        /// The moments the figures were taken: `start`, then one after each
        /// stage of the step.
        public var checkpoints: [String]
        /// Heap figures at each checkpoint.
        public var figures: [Figure]
    }

    /// A heap figure at each checkpoint of a step.
    public struct Figure: Codable, Sendable {
        /// What is measured, such as `live objects` or `arena allocated`.
        public var name: String
        /// `bytes` for byte counts, `count` otherwise.
        public var unit: String
        /// The figure at each of the step's checkpoints, in order.
        public var values: [Int]
    }

    /// The scenarios, in the order they ran.
    public var steps: [Step]
    /// The heap's arena, in `memstat arenas`.
    public var arena: Int
    /// Objects a new heap starts with: its immortal singletons and small ints.
    public var immortalObjects: Int

    /// Runs every scenario on a new heap.
    public static func run() throws -> Demo {
        let session = try DemoSession()
        let immortalObjects = session.heap.liveObjectCount
        defer { session.heap.destroy() }
        let steps = [
            try session.referenceCounting(),
            try session.sharedReference(),
            try session.referenceCycle(),
            try session.disabledCollector(),
            try session.sizeOfList(),
            try session.incrementalCollection(),
        ]
        return Demo(steps: steps, arena: session.heap.arena.index, immortalObjects: immortalObjects)
    }
}
