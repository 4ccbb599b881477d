import Foundation
import GuardianPostgres
import Testing

/// The connection-string parser: what it accepts, and a clear refusal (that never quotes the password) for the rest.
@Suite struct PostgresConfigurationTests {
    typealias Configuration = PostgresConnectionConfiguration

    @Test func aFullStringParsesIntoEveryField() throws {
        let configuration = try Configuration(
            parsing:
                "postgres://guardian:s%40cr%2Ft@db1.example.com:6432,10.0.0.2,[fd00::1]:5433/chrono%5Fguard?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3&application_name=node-a&target_session_attrs=read-write"
        )
        #expect(configuration.user == "guardian")
        #expect(configuration.password == "s@cr/t")
        #expect(
            configuration.hosts == [
                .init(name: "db1.example.com", port: 6432), .init(name: "10.0.0.2", port: 5432),
                .init(name: "fd00::1", port: 5433),
            ])
        #expect(configuration.database == "chrono_guard")
        #expect(configuration.sslMode == .verifyFull)
        #expect(configuration.sslRootCertificate == "/etc/ca.pem")
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.applicationName == "node-a")
        #expect(configuration.targetSessionAttributes == .readWrite)
        // The description keeps everything but the password.
        #expect(!configuration.description.contains("s@cr") && !configuration.description.contains("s%40cr"))
        #expect(configuration.description.contains("db1.example.com:6432,10.0.0.2:5432,[fd00::1]:5433/chrono_guard"))
        #expect(configuration.hosts[2].description == "[fd00::1]:5433")
    }

    @Test func defaultsFollowLibpq() throws {
        let configuration = try Configuration(parsing: "postgresql://guardian@localhost/chronoguard")
        #expect(configuration.password == nil)
        #expect(configuration.hosts == [.init(name: "localhost", port: 5432)])
        #expect(configuration.sslMode == .prefer)
        #expect(configuration.targetSessionAttributes == .readWrite)
        #expect(configuration.connectTimeout == nil)
        #expect(configuration.description == "postgres://guardian@localhost:5432/chronoguard")
        // An empty password is a password.
        #expect(try Configuration(parsing: "POSTGRES://u:@h/d").password == "")
        // The description parses back to the same configuration (without its password).
        let described = try Configuration(parsing: configuration.description)
        #expect(described == configuration)
    }

    @Test(arguments: [
        ("", "starts with postgres://"),
        ("mysql://u@h/d", "starts with postgres://"),
        ("postgres://h/d", "names no user"),
        ("postgres://@h/d", "user is empty"),
        ("postgres://u@h", "names no database"),
        ("postgres://u@h/", "database name"),
        ("postgres://u@h/a/b", "database name"),
        ("postgres://u@/d", "names no host"),
        ("postgres://u@h,/d", "is not a host name"),
        ("postgres://u@h:0/d", "port of host"),
        ("postgres://u@h:65536/d", "port of host"),
        ("postgres://u@h:54x/d", "port of host"),
        ("postgres://u@h:/d", "port of host"),
        ("postgres://u@[::1/d", "lacks its ']'"),
        ("postgres://u@[zz]/d", "is not an IPv6 address"),
        ("postgres://u@[::1]x/d", "after the IPv6 host"),
        ("postgres://u@%2Ftmp/d", "Unix-domain sockets"),
        ("postgres://u@h/d?sslmode=allow", "sslmode=allow is not supported"),
        ("postgres://u@h/d?sslmode=require&sslmode=disable", "given twice"),
        ("postgres://u@h/d?host=x", "'host' is not supported"),
        ("postgres://u@h/d?sslmode", "is not KEY=VALUE"),
        ("postgres://u@h/d?connect_timeout=0", "connect_timeout=0"),
        ("postgres://u@h/d?connect_timeout=-1", "connect_timeout=-1"),
        ("postgres://u@h/d?target_session_attrs=read-only", "needs read-write"),
        ("postgres://u@h/d?sslrootcert=", "sslrootcert is empty"),
        ("postgres://u:p%zz@h/d", "password is badly percent-encoded"),
        ("postgres://u%00@h/d", "user is empty or badly"),
        ("postgres://u@h/d#frag", "no #fragment"),
        ("postgres://u@h/d b", "printable ASCII"),
        ("postgres://u@h/" + String(repeating: "d", count: 64), "at most 63 bytes"),
    ])
    func malformedStringsAreRefusedWithTheReason(input: String, reason: String) {
        do {
            _ = try Configuration(parsing: input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.description.contains(reason), "\(input): \(error.description)")
            #expect(error.description.contains("expected postgres://USER"))
        }
    }

    @Test func theRefusalNeverQuotesThePassword() {
        do {
            _ = try Configuration(parsing: "postgres://u:hunter2secret@h:99999/d")
            Issue.record("accepted a port out of range")
        } catch {
            #expect(!error.description.contains("hunter2secret"))
        }
    }

    @Test func anOverlongStringIsRefused() {
        #expect(throws: PostgresConfigurationError.self) {
            try Configuration(parsing: "postgres://u@h/d?application_name=" + String(repeating: "a", count: 5_000))
        }
    }

    @Test func manyHostsAreCapped() throws {
        let sixteen = (1...16).map { "h\($0)" }.joined(separator: ",")
        #expect(try Configuration(parsing: "postgres://u@\(sixteen)/d").hosts.count == 16)
        #expect(throws: PostgresConfigurationError.self) {
            try Configuration(parsing: "postgres://u@\(sixteen),h17/d")
        }
    }
}
