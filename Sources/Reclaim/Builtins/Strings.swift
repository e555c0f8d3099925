/// `str` (UTF-8, inline, hash cached) and `bytes` (inline): atomic,
/// variable-size types.
///
/// Their payloads (the count, a str's cached hash, the bytes) are
/// described in `PayloadLayout`.
extension ObjectType {
    /// `str`: UTF-8 text stored inline, its hash cached after first use.
    public static let str = ObjectType(
        name: "str", kind: .str, basicSize: PayloadLayout.Str.size, itemSize: 1, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { object in
            let cached = object[PayloadLayout.Str.hash]
            if cached != PayloadLayout.Str.unknownHash { return cached }
            let hash = Hashing.bytes(object.stringBytes)
            object[PayloadLayout.Str.hash] = hash
            return hash
        },
        equals: { lhs, rhs in lhs.stringBytes.elementsEqual(rhs.stringBytes) },
        equalityFamily: "str", attributeNames: [], supportsWeakReferences: false)

    /// `bytes`: an immutable byte string stored inline.
    public static let bytes = ObjectType(
        name: "bytes", kind: .bytes, basicSize: PayloadLayout.Bytes.size, itemSize: 1, traverse: nil, clear: nil,
        dropReferences: nil, finalizer: nil, storageBlocks: nil,
        hash: { Hashing.bytes($0.byteContents) },
        equals: { lhs, rhs in lhs.byteContents.elementsEqual(rhs.byteContents) },
        equalityFamily: "bytes", attributeNames: [], supportsWeakReferences: false)
}

extension Heap {
    /// A `str`; the empty string is the heap's immortal one.
    public func str(_ value: String) throws(ObjectAllocationError) -> Ref {
        var value = value
        let count = value.utf8.count
        if count == 0 { return Ref(adopting: core.pointee.emptyString!, heap: self) }
        let object = try allocateObject(of: .str, itemCount: count)
        object[PayloadLayout.Str.hash] = PayloadLayout.Str.unknownHash
        value.withUTF8 { utf8 in object.mutableStringBytes.copyBytes(from: utf8) }
        return Ref(adopting: object, heap: self)
    }

    /// A `bytes`.
    public func bytes(_ value: some Collection<UInt8>) throws(ObjectAllocationError) -> Ref {
        let object = try allocateObject(of: .bytes, itemCount: value.count)
        _ = object.mutableByteContents.initializeMemory(as: UInt8.self, from: value)
        return Ref(adopting: object, heap: self)
    }
}

extension Ref {
    /// The value of a `str`.
    public func stringValue() throws(ObjectError) -> String {
        guard raw.type.kind == .str else { throw .typeError("expected str, got \(raw.type.name)") }
        return String(decoding: raw.stringBytes, as: UTF8.self)
    }

    /// The contents of a `bytes`.
    public func bytesValue() throws(ObjectError) -> [UInt8] {
        guard raw.type.kind == .bytes else { throw .typeError("expected bytes, got \(raw.type.name)") }
        return Array(raw.byteContents)
    }
}
