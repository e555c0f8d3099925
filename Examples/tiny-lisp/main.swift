#if canImport(Glibc)
import Glibc
#endif
import TinyLisp

// tiny-lisp FILE…: runs each program and prints what it prints. Like the
// libraries it is built on, it uses no Foundation: a runtime on Reclaim
// starts with the Swift runtime, libc and jemalloc only.

/// Writes `text` and a newline to standard error.
func complain(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// The whole of the file at `path` as UTF-8 text, or the system's reason it could not be read.
func contents(ofFile path: String) -> Result<String, SystemReason> {
    guard let file = fopen(path, "rb") else { return .failure(SystemReason(errno)) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes.append(contentsOf: chunk[0..<count])
        if count < chunk.count {
            if ferror(file) != 0 { return .failure(SystemReason(errno)) }
            return .success(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// An `errno` with the system's message.
struct SystemReason: Error, CustomStringConvertible {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { String(cString: strerror(code)) }
}

let files = CommandLine.arguments.dropFirst()
guard !files.isEmpty else {
    complain("usage: tiny-lisp FILE...")
    exit(2)
}
for file in files {
    do {
        let source = try contents(ofFile: file).get()
        let interpreter = try Interpreter()
        let lines = try interpreter.run(source)
        for line in lines + interpreter.finish() { print(line) }
    } catch {
        complain("tiny-lisp: \(file): \(error)")
        exit(1)
    }
}
