import Foundation
import TinyLisp

// tiny-lisp FILE…: runs each program and prints what it prints.
let files = CommandLine.arguments.dropFirst()
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("usage: tiny-lisp FILE...\n".utf8))
    exit(2)
}
for file in files {
    do {
        let interpreter = try Interpreter()
        let lines = try interpreter.run(try String(contentsOfFile: file, encoding: .utf8))
        for line in lines + interpreter.finish() { print(line) }
    } catch {
        FileHandle.standardError.write(Data("tiny-lisp: \(file): \(error)\n".utf8))
        exit(1)
    }
}
