/// Weak proxies, as Python's `weakref.proxy`: weak references that stand
/// for their referent. Attribute reads, writes and deletions, and calls of
/// a callable referent, go to the referent while it lives; once it has
/// died they throw ``ObjectError/referenceError(_:)``. A proxy is a weak
/// reference object in every other way: listed and counted among the
/// referent's weak references, cleared, and calling its callback, as a
/// `weakref` is; the one without a callback is shared. Proxies are
/// unhashable, as in CPython.
extension ObjectType {
    /// `ProxyType`: a proxy to an object that is not callable.
    public static let weakProxy = weakReferenceType(name: "ProxyType", hash: nil, equals: nil, call: nil)

    /// `CallableProxyType`: a proxy to a callable object; calling it calls the referent.
    public static let weakCallableProxy = weakReferenceType(
        name: "CallableProxyType", hash: nil, equals: nil,
        call: { proxy, arguments in
            guard let target = try proxy.proxyTarget() else {
                throw ObjectError.typeError("'CallableProxyType' object is not a proxy")
            }
            return try target.call(arguments)
        })

    /// Whether this is one of the proxy types.
    var isWeakProxy: Bool { self === ObjectType.weakProxy || self === ObjectType.weakCallableProxy }
}

extension WeakReferences {
    /// A proxy to `object` (`weakref.proxy(object)`): shared, as a
    /// `weakref` without a callback is; of type ``ObjectType/weakCallableProxy``
    /// when `object` is callable, ``ObjectType/weakProxy`` otherwise.
    ///
    /// - Throws: ``ObjectError/typeError(_:)`` when the object's type does
    ///   not support weak references; ``ObjectError/memoryError(_:)`` when
    ///   the proxy cannot be allocated.
    public func proxy(to object: borrowing Ref) throws(ObjectError) -> Ref {
        try makeReference(proxyType(for: object), to: object, callback: nil, "WeakReferences.proxy(to:)")
    }

    /// A new proxy to `object` whose callback, a callable heap object, is
    /// called with the proxy when `object` dies (`weakref.proxy(object, callback)`).
    ///
    /// - Throws: as ``proxy(to:)``, and ``ObjectError/typeError(_:)`` when
    ///   `callback` is not callable.
    public func proxy(to object: borrowing Ref, callback: borrowing Ref) throws(ObjectError) -> Ref {
        try makeReference(proxyType(for: object), to: object, callbackObject: callback, "WeakReferences.proxy(to:callback:)")
    }

    func proxyType(for object: borrowing Ref) -> ObjectType {
        object.isCallable ? .weakCallableProxy : .weakProxy
    }
}

extension Ref {
    /// For a proxy: its referent, or ``ObjectError/referenceError(_:)``
    /// once that has died. Nil for every other object.
    func proxyTarget() throws(ObjectError) -> Ref? {
        guard raw.withType({ $0.isWeakProxy }) else { return nil }
        guard let target = raw.liveReferent else {
            throw .referenceError("weakly-referenced object no longer exists")
        }
        return Ref(retaining: target, heap: heap)
    }

    /// Whether this is a weak proxy.
    public var isWeakProxy: Bool { raw.withType { $0.isWeakProxy } }
}
