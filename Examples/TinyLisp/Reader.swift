import Reclaim

/// Reads a program's text into heap objects: a list of its forms, each an
/// int, a symbol (str), a list, or a string literal (read as
/// `(quote "text")`, so that it evaluates to the str rather than a lookup).
struct Reader {
    let heap: Heap

    func read(_ source: String) throws -> Ref {
        var tokens = tokenize(source)[...]
        let program = try heap.list()
        while !tokens.isEmpty { try program.append(try form(&tokens)) }
        return program
    }

    func tokenize(_ source: String) -> [String] {
        var tokens: [String] = [], current = "", inString = false, inComment = false
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        for character in source {
            if inComment { if character == "\n" { inComment = false }; continue }
            if inString {
                current.append(character)
                if character == "\"" { inString = false; flush() }
                continue
            }
            switch character {
            case ";": flush(); inComment = true
            case "\"": flush(); current = "\""; inString = true
            case "(", ")": flush(); tokens.append(String(character))
            case " ", "\n", "\t", "\r": flush()
            default: current.append(character)
            }
        }
        flush()
        return tokens
    }

    func form(_ tokens: inout ArraySlice<String>) throws -> Ref {
        guard let token = tokens.popFirst() else { throw Interpreter.Failure(description: "unexpected end of program") }
        switch token {
        case "(":
            let list = try heap.list()
            while tokens.first != ")" {
                guard !tokens.isEmpty else { throw Interpreter.Failure(description: "missing )") }
                try list.append(try form(&tokens))
            }
            tokens.removeFirst()
            return list
        case ")": throw Interpreter.Failure(description: "unexpected )")
        default:
            if let number = Int(token) { return try heap.int(number) }
            if token.hasPrefix("\"") {
                let quoted = try heap.list()
                try quoted.append(try heap.str("quote"))
                try quoted.append(try heap.str(String(token.dropFirst().dropLast())))
                return quoted
            }
            return try heap.str(token)
        }
    }
}
