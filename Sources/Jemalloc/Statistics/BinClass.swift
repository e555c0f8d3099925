extension AllocatorInfo {
    /// The geometry of one small size class, from `arenas.bin.<j>.*`.
    ///
    /// The same type is read through mallctl (``AllocatorInfo/binClass(_:)``)
    /// and decoded from an element of `arenas.bin` in jemalloc's JSON report
    /// (``StatsDocument/ArenasSection/bin``): its coding keys are jemalloc's
    /// names.
    public struct BinClass: Codable, Equatable, Sendable {
        /// Bytes per region.
        public var size: Int
        /// Regions per slab.
        public var nregs: UInt32
        /// Bytes per slab.
        public var slabSize: Int

        /// The geometry with the given values.
        public init(size: Int, nregs: UInt32, slabSize: Int) {
            self.size = size
            self.nregs = nregs
            self.slabSize = slabSize
        }

        enum CodingKeys: String, CodingKey {
            case size, nregs
            case slabSize = "slab_size"
        }
    }
}
