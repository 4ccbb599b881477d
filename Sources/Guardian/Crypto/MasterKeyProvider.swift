import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Key providers

/// Where the master key comes from. The service asks for candidate keys at start and picks the one whose id matches
/// the database; `keys rotate` asks for a next key, stages it durably, rewraps every data key under it in one
/// database transaction, then promotes it — so a crash at any point leaves a key that opens the database.
public protocol MasterKeyProvider: Sendable {
    /// The keys to try, current first (a provider interrupted mid-rotation also returns the staged key).
    /// - Parameter creatingIfMissing: true only for a brand-new database, when a provider that can create keys should.
    func candidateKeys(creatingIfMissing: Bool) throws(GuardianError) -> [MasterKey]

    /// The key to rotate to from `current`.
    func nextKey(replacing current: MasterKey) throws(GuardianError) -> MasterKey

    /// Makes `key` durable as the pending next key, before any data is rewrapped under it.
    func stage(_ key: MasterKey) throws(GuardianError)

    /// Makes `key` the current key, after the rewrap has committed.
    func promote(_ key: MasterKey) throws(GuardianError)
}

// MARK: - Fixed keys

/// Keys handed over by the embedding program (fetched from a KMS or HSM at start, say). Rotation needs the new key
/// passed explicitly to ``GuardianService/rotateMasterKey(to:)``; persisting it is the caller's job.
public struct StaticMasterKeyProvider: MasterKeyProvider {
    /// The keys, current first.
    public let keys: [MasterKey]

    /// Keys to offer, current first.
    public init(_ keys: [MasterKey]) { self.keys = keys }

    public func candidateKeys(creatingIfMissing: Bool) throws(GuardianError) -> [MasterKey] { keys }

    public func nextKey(replacing current: MasterKey) throws(GuardianError) -> MasterKey {
        if let fresh = keys.first(where: { $0.id != current.id }) { return fresh }
        throw GuardianError(
            .keyProviderFailed, "No new master key was supplied; pass the new key to rotateMasterKey(to:).")
    }

    public func stage(_ key: MasterKey) throws(GuardianError) {}
    public func promote(_ key: MasterKey) throws(GuardianError) {}
}

// MARK: - Environment variable

/// The master key from an environment variable (Base64 of 32 bytes, or 64 hex digits).
///
/// Rotation: set `CHRONOGUARD_MASTER_KEY` to the new key and `CHRONOGUARD_MASTER_KEY_PREVIOUS` to the current one,
/// run `keys rotate`, then drop the previous one. Both are candidates at start, so a restart in between is safe.
public struct EnvironmentMasterKeyProvider: MasterKeyProvider {
    /// Default variable names.
    public static let defaultVariable = "CHRONOGUARD_MASTER_KEY"
    public static let defaultPreviousVariable = "CHRONOGUARD_MASTER_KEY_PREVIOUS"

    let environment: [String: String]
    let variable: String
    let previousVariable: String

    /// Reads `variable` (and `previousVariable`) from `environment`, the process environment by default.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        variable: String = Self.defaultVariable,
        previousVariable: String = Self.defaultPreviousVariable
    ) {
        self.environment = environment
        self.variable = variable
        self.previousVariable = previousVariable
    }

    public func candidateKeys(creatingIfMissing: Bool) throws(GuardianError) -> [MasterKey] {
        guard let text = environment[variable], !text.isEmpty else {
            throw GuardianError(
                .keyProviderFailed,
                "The environment variable \(variable) is not set; set it to the Base64 of 32 random bytes (`openssl rand -base64 32`)."
            )
        }
        var keys = [try MasterKey(text: text)]
        if let previous = environment[previousVariable], !previous.isEmpty {
            keys.append(try MasterKey(text: previous))
        }
        return keys
    }

    public func nextKey(replacing current: MasterKey) throws(GuardianError) -> MasterKey {
        let keys = try candidateKeys(creatingIfMissing: false)
        guard keys[0].id != current.id else {
            throw GuardianError(
                .keyProviderFailed,
                "\(variable) still holds the current key; set it to the new key and \(previousVariable) to the current one, then rotate."
            )
        }
        return keys[0]
    }

    public func stage(_ key: MasterKey) throws(GuardianError) {}
    public func promote(_ key: MasterKey) throws(GuardianError) {}
}

// MARK: - Key file

/// The default provider: a key file `master.key` in the data directory, created with mode 0600 on first start.
///
/// Rotation writes `master.key.next` (0600, fsynced) before the database is rewrapped and renames it over
/// `master.key` afterwards (rename is atomic, POSIX.1-2017 `rename()`); at start both files are candidates, so a crash
/// between the two steps is recovered from automatically. A key file readable by group or others is refused.
public struct FileMasterKeyProvider: MasterKeyProvider {
    /// File names inside the directory.
    public static let fileName = "master.key"
    public static let stagedFileName = "master.key.next"
    /// Owner read/write only: 0600 (`S_IRUSR | S_IWUSR`).
    static let fileMode: mode_t = 0o600

    /// The directory holding the key files.
    public let directory: URL
    /// The key file (`master.key` in ``directory`` unless given).
    public let keyPath: String
    /// The staged key during a rotation: the key file's path with `.next` appended.
    public let stagedPath: String
    /// Whether a missing key file may be created for a brand-new database (false for a key file shared by several
    /// nodes: each would create its own).
    public let createsMissingKey: Bool

    /// A provider for the key files in `directory`.
    public init(directory: URL) {
        self.directory = directory
        self.keyPath = directory.appendingPathComponent(Self.fileName).path
        self.stagedPath = directory.appendingPathComponent(Self.stagedFileName).path
        self.createsMissingKey = true
    }

    /// A provider for one key file anywhere (rotation stages `FILE.next` beside it). It never creates the file: a
    /// missing file is an error naming the path.
    public init(keyFile: URL) {
        self.directory = keyFile.deletingLastPathComponent()
        self.keyPath = keyFile.path
        self.stagedPath = keyFile.path + ".next"
        self.createsMissingKey = false
    }

    public func candidateKeys(creatingIfMissing: Bool) throws(GuardianError) -> [MasterKey] {
        var keys: [MasterKey] = []
        if let key = try Self.read(keyPath) {
            keys.append(key)
        } else if creatingIfMissing, createsMissingKey, try Self.read(stagedPath) == nil {
            // Two processes may get here at once on a fresh directory: both end with whichever key was linked first.
            keys.append(try Self.create(MasterKey.generate(), at: keyPath))
        }
        if let staged = try Self.read(stagedPath) { keys.append(staged) }
        guard !keys.isEmpty else {
            if !createsMissingKey {
                throw GuardianError(
                    .keyProviderFailed,
                    "The master key file \(keyPath) does not exist; create it once (`openssl rand -base64 32 > FILE; chmod 600 FILE`) and give every node the same file."
                )
            }
            throw GuardianError(
                .keyProviderFailed,
                "The master key file \(keyPath) is missing but the database exists; restore the key file from backup.")
        }
        return keys
    }

    public func nextKey(replacing current: MasterKey) throws(GuardianError) -> MasterKey { MasterKey.generate() }

    public func stage(_ key: MasterKey) throws(GuardianError) {
        let temporary = try Self.writeTemporary(key, beside: stagedPath)
        guard rename(temporary, stagedPath) == 0 else {
            let code = errno
            unlink(temporary)
            throw GuardianError(
                .keyProviderFailed, "Cannot move the master key file into place at \(stagedPath) (errno \(code)).")
        }
        Self.syncDirectory(directory.path)
    }

    public func promote(_ key: MasterKey) throws(GuardianError) {
        guard let staged = try Self.read(stagedPath) else {
            if let current = try Self.read(keyPath), current.id == key.id { return }  // already promoted
            throw GuardianError(
                .keyProviderFailed, "The staged master key \(stagedPath) disappeared before it could be promoted.")
        }
        guard staged.id == key.id else {
            throw GuardianError(
                .keyProviderFailed, "The staged master key file holds a different key than the one being promoted.")
        }
        guard rename(stagedPath, keyPath) == 0 else {
            throw GuardianError(.keyProviderFailed, "Could not rename \(stagedPath) to \(keyPath) (errno \(errno)).")
        }
        Self.syncDirectory(directory.path)
    }

    // MARK: File I/O

    /// Reads a key file; nil when it does not exist.
    static func read(_ path: String) throws(GuardianError) -> MasterKey? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw GuardianError(.keyProviderFailed, "Cannot read the master key file \(path) (errno \(errno)).")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw GuardianError(
                .keyProviderFailed,
                "The master key file \(path) is readable by other users; run `chmod 600 \(path)` and restart.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GuardianError(.keyProviderFailed, "Cannot read the master key file \(path).")
        }
        return try MasterKey(text: String(decoding: data, as: UTF8.self))
    }

    /// Creates the key file at `path` holding `key` unless one exists, and returns the key the file holds afterwards:
    /// `key`, or the one another process created first.
    ///
    /// The key is written under a temporary name of its own (random, so no other process ever writes, links or
    /// unlinks it), fsynced, then `link()`ed to `path` — which fails with `EEXIST` if the name exists, so of two
    /// processes racing on a fresh directory exactly one creates the file, and the other reads and uses that key.
    static func create(_ key: MasterKey, at path: String) throws(GuardianError) -> MasterKey {
        let temporary = try writeTemporary(key, beside: path)
        defer { unlink(temporary) }  // our own unique name: after the link (or its failure) it is no longer needed
        if link(temporary, path) != 0 {
            let code = errno
            guard code == EEXIST, let existing = try read(path) else {
                throw GuardianError(
                    .keyProviderFailed,
                    "Cannot create the master key file \(path) (errno \(code)); check the data directory's permissions."
                )
            }
            return existing
        }
        syncDirectory((path as NSString).deletingLastPathComponent)
        return key
    }

    /// Writes `key` to a new file next to `path` with a unique random name, created with mode 0600 from the start (no
    /// window with wider permissions) and fsynced; returns its path.
    static func writeTemporary(_ key: MasterKey, beside path: String) throws(GuardianError) -> String {
        let temporary = path + ".tmp-" + Hex.encode(SecureRandom.bytes(8))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, fileMode)
        guard fd >= 0 else {
            throw GuardianError(
                .keyProviderFailed,
                "Cannot create the master key file \(temporary) (errno \(errno)); check the data directory's permissions."
            )
        }
        _ = fchmod(fd, fileMode)  // the umask may have narrowed the mode further; 0600 exactly is what we want
        let text = Array((key.exportBase64() + "\n").utf8)
        let written = text.withUnsafeBytes { Glue.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == text.count, synced == 0 else {
            unlink(temporary)
            throw GuardianError(.keyProviderFailed, "Cannot write the master key file \(temporary) (errno \(errno)).")
        }
        return temporary
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

/// Disambiguates the POSIX `write(2)` from methods named `write` in scope.
enum Glue {
    static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(fd, buffer, count)
        #elseif canImport(Musl)
            Musl.write(fd, buffer, count)
        #else
            Darwin.write(fd, buffer, count)
        #endif
    }
}
