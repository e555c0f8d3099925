import ArgumentParser
import Foundation

extension ParsableCommand {
    /// Parses the process's arguments and runs the command, as `main()`
    /// does, except that a usage error (an unknown option, a bad value, a
    /// failed validation) prints its message and the usage on stderr and
    /// exits with status 2, as the shell's builtins and most Unix tools do,
    /// instead of ArgumentParser's 64. Help, version and other errors
    /// exit as `main()` would have.
    public static func mainExitingTwoOnUsageError() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            exit()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
