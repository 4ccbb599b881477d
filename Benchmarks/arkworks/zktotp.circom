pragma circom 2.1.6;

// The ZK-TOTP statement of Sources/ZKTOTP (docs/zktotp.md) written in circom with circomlib's templates, so arkworks
// (through groth16py) proves the same statement as `chronoguard zk prove` in Benchmarks/run-zk-prove-vs-arkworks.sh.
// Not used by Chronoguard itself.
//
//   public  totpCode, timeCounter, secretHash, txCommitment;  private secret
//   Poseidon(secret) = secretHash
//   h = Poseidon(secret, timeCounter);  totpCode = h mod 10^6 exactly:
//     h = 10^6·q + code, q < 2^234 and code < 2^20 (bits), code < 10^6,
//     (q, code) ≤ (Q, C) lexicographically with r − 1 = 10^6·Q + C (so 10^6·q + code < r: no wrap-around)
//   txCommitment² computed (keeps the commitment in the constraints)

include "poseidon.circom";
include "bitify.circom";
include "comparators.circom";

template ZKTOTP() {
    signal input totpCode;
    signal input timeCounter;
    signal input secretHash;
    signal input txCommitment;
    signal input secret;

    component hashSecret = Poseidon(1);
    hashSecret.inputs[0] <== secret;
    hashSecret.out === secretHash;

    component hashStep = Poseidon(2);
    hashStep.inputs[0] <== secret;
    hashStep.inputs[1] <== timeCounter;

    signal quotient <-- hashStep.out \ 1000000;
    signal code <-- hashStep.out % 1000000;
    component quotientBits = Num2Bits(234);
    quotientBits.in <== quotient;
    component codeBits = Num2Bits(20);
    codeBits.in <== code;
    hashStep.out === quotient * 1000000 + code;

    component codeBelow = LessThan(20);
    codeBelow.in[0] <== code;
    codeBelow.in[1] <== 1000000;
    codeBelow.out === 1;

    // Q = floor((r − 1) / 10^6), C = (r − 1) mod 10^6.
    var Q = 21888242871839275222246405745257275088548364400416034343698204186575808;
    var C = 495616;
    component quotientBelow = LessThan(234);
    quotientBelow.in[0] <== quotient;
    quotientBelow.in[1] <== Q;
    component quotientEqual = IsEqual();
    quotientEqual.in[0] <== quotient;
    quotientEqual.in[1] <== Q;
    component codeAtMost = LessThan(20);
    codeAtMost.in[0] <== code;
    codeAtMost.in[1] <== C + 1;
    signal atTheTop <== quotientEqual.out * codeAtMost.out;
    quotientBelow.out + atTheTop === 1;

    totpCode === code;
    signal squared <== txCommitment * txCommitment;
}

component main {public [totpCode, timeCounter, secretHash, txCommitment]} = ZKTOTP();
