import BN254
import Curves
import Fields
import Foundation

// MARK: - A small ordered JSON value

/// The JSON subset snarkjs files use, kept in member order so output matches snarkjs' field order.
enum SnarkJSONValue {
    case string(String)
    case integer(Int)
    case array([SnarkJSONValue])
    case object([(String, SnarkJSONValue)])

    /// Serialized like JavaScript's `JSON.stringify(value, null, 1)` (snarkjs writes its files with one space of
    /// indentation), followed by a newline.
    var rendered: String {
        var out = ""
        write(into: &out, depth: 0)
        return out + "\n"
    }

    private func write(into out: inout String, depth: Int) {
        let indent = String(repeating: " ", count: depth + 1)
        let closing = String(repeating: " ", count: depth)
        switch self {
        case .string(let s):
            out += Self.quoted(s)
        case .integer(let n):
            out += String(n)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += indent
                item.write(into: &out, depth: depth + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += indent + Self.quoted(key) + ": "
                value.write(into: &out, depth: depth + 1)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        }
    }

    /// Keys and values here are ASCII identifiers and digits; escape the JSON specials anyway.
    private static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// MARK: - Encoding points and field elements

enum SnarkJSON {
    static func field<F: PrimeField>(_ x: F) -> SnarkJSONValue { .string(x.decimalString) }

    /// G1 as snarkjs `toObject`: [x, y, "1"], infinity [“0”, “1”, “0”].
    static func g1(_ p: G1Affine) -> SnarkJSONValue {
        p.isInfinity
            ? .array([.string("0"), .string("1"), .string("0")])
            : .array([field(p.x), field(p.y), .string("1")])
    }

    static func fq2(_ x: Fq2) -> SnarkJSONValue { .array([field(x.c0), field(x.c1)]) }

    /// G2 as snarkjs `toObject`: [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]], infinity [[0,0],[1,0],[0,0]].
    static func g2(_ p: G2Affine) -> SnarkJSONValue {
        p.isInfinity ? .array([fq2(.zero), fq2(.one), fq2(.zero)]) : .array([fq2(p.x), fq2(p.y), fq2(.one)])
    }

    static func fq6(_ x: Fq6) -> SnarkJSONValue { .array([fq2(x.c0), fq2(x.c1), fq2(x.c2)]) }

    /// 𝔽ₚ¹² as snarkjs `Gt.toObject`: [[c0.c0, c0.c1, c0.c2], [c1.c0, c1.c1, c1.c2]], each an [re, im] pair.
    static func fq12(_ x: Fq12) -> SnarkJSONValue { .array([fq6(x.c0), fq6(x.c1)]) }
}

// MARK: - Decoding

/// Navigates a `JSONSerialization` tree with errors that name the path that was wrong.
struct SnarkJSONReader {
    let what: String

    func parse(_ data: Data) throws(Groth16Error) -> Any {
        guard data.count <= Self.maximumSize else {
            throw .malformedJSON(what, "the file is \(data.count) bytes, more than any snarkjs \(what) can be")
        }
        do {
            return try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw .malformedJSON(what, "it does not parse as JSON (\(error.localizedDescription))")
        }
    }

    /// 16 MiB: far above any key for a circuit with BN254's 2²⁸-point domains' worth of public inputs we accept.
    static let maximumSize = 16 << 20

    func object(_ value: Any, _ path: String) throws(Groth16Error) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .malformedJSON(what, "\(path) must be an object") }
        return object
    }

    func member(_ object: [String: Any], _ key: String) throws(Groth16Error) -> Any {
        guard let value = object[key] else { throw .malformedJSON(what, "the member \"\(key)\" is missing") }
        return value
    }

    func array(_ value: Any, _ path: String, count: Int? = nil) throws(Groth16Error) -> [Any] {
        guard let array = value as? [Any] else { throw .malformedJSON(what, "\(path) must be an array") }
        if let count, array.count != count {
            throw .malformedJSON(what, "\(path) must have \(count) elements, not \(array.count)")
        }
        return array
    }

    func string(_ value: Any, _ path: String) throws(Groth16Error) -> String {
        guard let string = value as? String else {
            throw .malformedJSON(what, "\(path) must be a decimal string")
        }
        return string
    }

    /// A canonical decimal field element: ASCII digits, no sign, no leading zero (except "0"), below the modulus.
    func field<F: PrimeField>(_ value: Any, _ path: String, as _: F.Type = F.self) throws(Groth16Error) -> F {
        let text = try string(value, path)
        guard text == "0" || !text.hasPrefix("0"), let element = F(decimalString: text) else {
            throw .invalidFieldElement("\(what) \(path)", text)
        }
        return element
    }

    func fq2(_ value: Any, _ path: String) throws(Groth16Error) -> Fq2 {
        let pair = try array(value, path, count: 2)
        return Fq2(c0: try field(pair[0], path + "[0]"), c1: try field(pair[1], path + "[1]"))
    }

    /// A snarkjs G1 point [x, y, "1"] (or infinity [“0”, “1”, “0”]), checked on the curve.
    func g1(_ value: Any, _ path: String) throws(Groth16Error) -> G1Affine {
        let triple = try array(value, path, count: 3)
        let x: Fq = try field(triple[0], path + "[0]")
        let y: Fq = try field(triple[1], path + "[1]")
        let z: Fq = try field(triple[2], path + "[2]")
        if z.isZero {
            guard x.isZero, y == .one else {
                throw .invalidPoint("\(what) \(path)", "the point at infinity must be written [\"0\", \"1\", \"0\"]")
            }
            return .infinity
        }
        guard z == .one else {
            throw .invalidPoint("\(what) \(path)", "the projective coordinate must be \"1\" (affine form)")
        }
        do {
            return try G1Affine(x: x, y: y)
        } catch {
            throw .invalidPoint("\(what) \(path)", error.message)
        }
    }

    /// A snarkjs G2 point [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]], checked on the curve and in the subgroup.
    func g2(_ value: Any, _ path: String) throws(Groth16Error) -> G2Affine {
        let triple = try array(value, path, count: 3)
        let x = try fq2(triple[0], path + "[0]")
        let y = try fq2(triple[1], path + "[1]")
        let z = try fq2(triple[2], path + "[2]")
        if z.isZero {
            guard x.isZero, y == .one else {
                throw .invalidPoint("\(what) \(path)", "the point at infinity must be written [[0,0],[1,0],[0,0]]")
            }
            return .infinity
        }
        guard z == .one else {
            throw .invalidPoint("\(what) \(path)", "the projective coordinate must be [\"1\", \"0\"] (affine form)")
        }
        do {
            return try G2Affine(x: x, y: y)
        } catch {
            throw .invalidPoint("\(what) \(path)", error.message)
        }
    }

    /// Checks an optional string member has the expected value.
    func expect(_ object: [String: Any], _ key: String, _ expected: String) throws(Groth16Error) {
        guard let value = object[key] else { return }
        guard let text = value as? String, text == expected else {
            throw .malformedJSON(what, "\"\(key)\" must be \"\(expected)\"")
        }
    }
}

// MARK: - proof.json

extension Groth16.Proof {
    /// snarkjs `proof.json`: {"pi_a": [x, y, "1"], "pi_b": [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]],
    /// "pi_c": [x, y, "1"], "protocol": "groth16", "curve": "bn128"} (snarkjs `groth16 prove`).
    public var snarkJSON: String {
        SnarkJSONValue.object([
            ("pi_a", SnarkJSON.g1(a)),
            ("pi_b", SnarkJSON.g2(b)),
            ("pi_c", SnarkJSON.g1(c)),
            ("protocol", .string("groth16")),
            ("curve", .string("bn128")),
        ]).rendered
    }

    /// Parses snarkjs `proof.json`, checking every coordinate is canonical and every point on its curve and in
    /// the order-r subgroup. `protocol` and `curve`, when present, must be "groth16" and "bn128".
    /// - Throws: ``Groth16Error`` with a message naming the member that was wrong.
    public init(snarkJSON data: Data) throws(Groth16Error) {
        let reader = SnarkJSONReader(what: "proof")
        let root = try reader.object(try reader.parse(data), "the document")
        try reader.expect(root, "protocol", "groth16")
        try reader.expect(root, "curve", "bn128")
        try self.init(
            a: try reader.g1(try reader.member(root, "pi_a"), "pi_a"),
            b: try reader.g2(try reader.member(root, "pi_b"), "pi_b"),
            c: try reader.g1(try reader.member(root, "pi_c"), "pi_c"))
    }
}

// MARK: - public.json

extension Groth16 {
    /// snarkjs `public.json`: the public signals as an array of decimal strings.
    public static func publicSignalsJSON(_ signals: [Fr]) -> String {
        SnarkJSONValue.array(signals.map(SnarkJSON.field)).rendered
    }

    /// Parses snarkjs `public.json`; every signal must be a canonical decimal below r.
    public static func publicSignals(snarkJSON data: Data) throws(Groth16Error) -> [Fr] {
        let reader = SnarkJSONReader(what: "public signals")
        let array = try reader.array(try reader.parse(data), "the document")
        var signals = [Fr]()
        for (i, value) in array.enumerated() { signals.append(try reader.field(value, "[\(i)]")) }
        return signals
    }
}

// MARK: - verification_key.json

extension Groth16.VerifyingKey {
    /// e(α, β) normalized to the reduced pairing f^((p¹²−1)/r) that snarkjs and py_ecc compute: BN254's final
    /// exponentiation raises to m·(p¹²−1)/r with m = 2u(6u² + 3u + 1) (Fuentes-Castañeda–Knapp–Rodríguez-Henríquez),
    /// so the value is raised to m⁻¹ mod r =
    /// 21888242871839275217838484774961031246154997185409878258781734729429964517154.
    public var alphaBeta: Fq12 {
        let mInverse: [UInt64] = [
            0xb8ca_0b2d_3663_6f22, 0xcc37_a73f_ec2b_c5e9, 0x048b_6e19_3fd8_4104,
            0x3064_4e72_e131_a029,
        ]
        return Pairing.pairing(alpha1, beta2).pow(mInverse)
    }

    /// snarkjs `verification_key.json` (snarkjs `zkey export verificationkey`): protocol, curve, nPublic,
    /// vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, vk_alphabeta_12, IC.
    public var snarkJSON: String {
        SnarkJSONValue.object([
            ("protocol", .string("groth16")),
            ("curve", .string("bn128")),
            ("nPublic", .integer(publicInputCount)),
            ("vk_alpha_1", SnarkJSON.g1(alpha1)),
            ("vk_beta_2", SnarkJSON.g2(beta2)),
            ("vk_gamma_2", SnarkJSON.g2(gamma2)),
            ("vk_delta_2", SnarkJSON.g2(delta2)),
            ("vk_alphabeta_12", SnarkJSON.fq12(alphaBeta)),
            ("IC", .array(ic.map(SnarkJSON.g1))),
        ]).rendered
    }

    /// Parses snarkjs `verification_key.json`, checking every point (curve and subgroup), that `IC` has
    /// `nPublic + 1` points, and — when present — that `vk_alphabeta_12` equals e(α, β).
    /// - Throws: ``Groth16Error`` with a message naming the member that was wrong.
    public init(snarkJSON data: Data) throws(Groth16Error) {
        let reader = SnarkJSONReader(what: "verification key")
        let root = try reader.object(try reader.parse(data), "the document")
        try reader.expect(root, "protocol", "groth16")
        try reader.expect(root, "curve", "bn128")
        let icValues = try reader.array(try reader.member(root, "IC"), "IC")
        guard let nPublic = root["nPublic"] as? Int, nPublic >= 0 else {
            throw .malformedJSON("verification key", "\"nPublic\" must be a non-negative integer")
        }
        guard icValues.count == nPublic + 1 else {
            throw .malformedJSON("verification key", "IC has \(icValues.count) points but nPublic + 1 = \(nPublic + 1)")
        }
        var ic = [G1Affine]()
        for (i, value) in icValues.enumerated() { ic.append(try reader.g1(value, "IC[\(i)]")) }
        try self.init(
            alpha1: try reader.g1(try reader.member(root, "vk_alpha_1"), "vk_alpha_1"),
            beta2: try reader.g2(try reader.member(root, "vk_beta_2"), "vk_beta_2"),
            gamma2: try reader.g2(try reader.member(root, "vk_gamma_2"), "vk_gamma_2"),
            delta2: try reader.g2(try reader.member(root, "vk_delta_2"), "vk_delta_2"),
            ic: ic)
        if let stated = root["vk_alphabeta_12"] {
            guard let parsed = try? Self.parseFq12(stated, reader), parsed == alphaBeta else {
                throw .malformedJSON("verification key", "vk_alphabeta_12 is not e(vk_alpha_1, vk_beta_2)")
            }
        }
    }

    private static func parseFq12(_ value: Any, _ reader: SnarkJSONReader) throws(Groth16Error) -> Fq12 {
        let halves = try reader.array(value, "vk_alphabeta_12", count: 2)
        var sixes = [Fq6]()
        for (h, half) in halves.enumerated() {
            let coefficients = try reader.array(half, "vk_alphabeta_12[\(h)]", count: 3)
            var twos = [Fq2]()
            for (k, c) in coefficients.enumerated() { twos.append(try reader.fq2(c, "vk_alphabeta_12[\(h)][\(k)]")) }
            sixes.append(Fq6(c0: twos[0], c1: twos[1], c2: twos[2]))
        }
        return Fq12(c0: sixes[0], c1: sixes[1])
    }
}
