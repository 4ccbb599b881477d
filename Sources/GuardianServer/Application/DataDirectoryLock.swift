import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - One owner per data directory

/// An exclusive advisory lock (`flock(2)`, `LOCK_EX | LOCK_NB`) on `<data-dir>/chronoguard.lock`, held by `serve`
/// for its lifetime and by `keys rotate` while it runs.
///
/// Why: a server keeps the master key in memory. A rotation by another process would rewrap every data key under a
/// key the running server does not know, and its next cosign would fail; two servers on one directory would race the
/// same way. The kernel drops the lock when the process dies, so a crash never leaves a stale lock behind.
public final class DataDirectoryLock: @unchecked Sendable {
    /// The lock file's name.
    public static let fileName = "chronoguard.lock"

    private var descriptor: Int32
    public let path: String

    /// Takes the lock, creating the directory (0700) and the lock file (0600) if needed.
    /// - Throws: ``DataDirectoryLockError`` when another process holds it or the file cannot be opened.
    public init(directory: URL) throws(DataDirectoryLockError) {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DataDirectoryLockError(
                code: "data_directory_unusable",
                message: "Cannot create the data directory \(directory.path); check the path and its permissions.")
        }
        path = directory.appendingPathComponent(Self.fileName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DataDirectoryLockError(
                code: "data_directory_unusable",
                message: "Cannot open \(path) (errno \(errno)); check the data directory's permissions.")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            descriptor = -1
            throw DataDirectoryLockError(
                code: "data_directory_in_use",
                message: "Another chronoguard process (a running server?) is using \(directory.path); stop it first.")
        }
    }

    /// Releases the lock (also done by `deinit`).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Why the data directory could not be locked.
public struct DataDirectoryLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `data_directory_in_use` or `data_directory_unusable`.
    public let code: String
    public let message: String
    public var description: String { message }
}
