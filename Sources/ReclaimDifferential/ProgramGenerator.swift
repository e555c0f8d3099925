/// Writes random programs of the differential tests' language from a seed:
/// the same seed, the same program.
public struct ProgramGenerator: Sendable {
    /// How many variables of each kind programs use.
    public static let objectVariables = 6, listVariables = 2, dictVariables = 1, tupleVariables = 2,
                      weakVariables = 3, keys = 3

    private var state: UInt64

    /// A generator for the programs of `seed`.
    public init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    /// A program of `length` statements.
    public mutating func program(length: Int) -> Program {
        var statements: [Program.Statement] = []
        var names = 0
        func object() -> Int { next(ProgramGenerator.objectVariables) }
        for _ in 0..<length {
            let roll = next(100)
            let statement: Program.Statement
            switch roll {
            case 0..<18:
                names += 1
                statement = .new(variable: object(), of: Program.Class.allCases[next(3)], name: "n\(names)")
            case 18..<36:
                statement = .link(target: object(), attribute: Program.Attribute.allCases[next(2)], source: object())
            case 36..<41: statement = .unlink(target: object(), attribute: Program.Attribute.allCases[next(2)])
            case 41..<45: statement = .bind(target: object(), source: object())
            case 45..<53: statement = .delete(variable: object())
            case 53..<55: statement = .newList(list: next(ProgramGenerator.listVariables))
            case 55..<59: statement = .append(list: next(ProgramGenerator.listVariables), source: object())
            case 59..<61: statement = .pop(list: next(ProgramGenerator.listVariables))
            case 61..<62: statement = .deleteList(list: next(ProgramGenerator.listVariables))
            case 62..<63: statement = .newDict(dict: next(ProgramGenerator.dictVariables))
            case 63..<65:
                statement = .setItem(dict: next(ProgramGenerator.dictVariables), key: next(ProgramGenerator.keys), source: object())
            case 65..<66: statement = .deleteItem(dict: next(ProgramGenerator.dictVariables), key: next(ProgramGenerator.keys))
            case 66..<68: statement = .newTuple(tuple: next(ProgramGenerator.tupleVariables), first: object(), second: object())
            case 68..<69: statement = .deleteTuple(tuple: next(ProgramGenerator.tupleVariables))
            case 69..<72:
                statement = .weakReference(reference: next(ProgramGenerator.weakVariables), target: object(), callback: next(3) != 0)
            case 72..<73:
                statement = .weakReferenceHolding(reference: next(ProgramGenerator.weakVariables), target: object(), holder: object())
            case 73..<74: statement = .deleteWeakReference(reference: next(ProgramGenerator.weakVariables))
            case 74..<76: statement = .checkWeakReference(reference: next(ProgramGenerator.weakVariables))
            case 76..<78:
                names += 1
                statement = .finalize(target: object(), label: "f\(names)")
            case 78..<86: statement = .collect(generation: next(4) == 0 ? next(2) : nil)
            case 86..<89: statement = .isTracked(variable: object())
            case 89..<91: statement = .isFinalized(variable: object())
            case 91..<96: statement = .referenceCount(variable: object())
            default: statement = .releaseSaved
            }
            statements.append(statement)
        }
        return Program(statements: statements)
    }
}
