# pragma version 0.4.3
"""
@title ChronoVault TOTP wallet
@notice A wallet whose owner key alone cannot move funds: every action also needs a Groth16 proof of the owner's
        Poseidon-TOTP code for a recent 30 s step, bound to that exact action on this wallet, this chain, this nonce.
        Seed documents 003/004's TOTPWallet, corrected (SEEDS-NOTES items 5-6): the commitment binds chain id and
        wallet address, is recomputed here (never taken from the caller), and state changes before the call.

        Public signals of every proof, in this order: [totpCode, timeCounter, secretHash, txCommitment].

        Commitment (circomlib Poseidon(5), exactly what `chronoguard zk commitment` prints):
            txCommitment = Poseidon(chain.id, self, txHash >> 128, txHash & (2**128 - 1), nonce)
        with the wallet address as a 160-bit integer, txHash split into its big-endian 128-bit halves, `nonce` the
        value of nonce() BEFORE the action. txHash per action (abi_encode = Solidity's abi.encode):
            executeWithProof   keccak256(abi_encode(target, amount, keccak256(callData)))     (address, uint256, bytes32)
            rotateSecret       keccak256(abi_encode(ROTATE_SECRET_TAG, newSecretHash))         (bytes32, uint256)
            transferOwnership  keccak256(abi_encode(TRANSFER_OWNERSHIP_TAG, newOwner))         (bytes32, address)
            validateUserOp     keccak256(abi_encode(USER_OP_TAG, userOpHash))                  (bytes32, bytes32)
        where each TAG is keccak256 of its name below. The tagged preimages are 64 bytes and the transfer preimage
        96, and each tag differs, so no two actions share a txHash. commitmentFor(txHash) returns the value to prove.

        Checks, in this order, each with its own error (custom-error selectors, no arguments):
            NotOwner()                  caller is not owner() (executeWithProof, rotateSecret, transferOwnership)
            InputOutOfField()           a public signal >= r
            SecretHashMismatch()        secretHash != ownerSecretHash()
            TimeCounterNotIncreasing()  timeCounter <= lastUsedTimeCounter()   (each 30 s step is usable once)
            FutureProof()               30 * timeCounter > block.timestamp + 300
            StaleProof()                block.timestamp > 30 * timeCounter + 300
            CommitmentMismatch()        txCommitment != the commitment recomputed for this action
            InvalidProof()              the Groth16 verifier returns False
        then effects (lastUsedTimeCounter = timeCounter, nonce += 1), then the interaction, reverted with
        CallFailed() if the call fails. InvalidSecretHash() / ZeroAddress() refuse bad rotateSecret / transferOwnership
        arguments; NotEntryPoint() guards the ERC-4337 functions. Every external state-changing function holds the
        same (transient-storage) re-entrancy lock, so a call made by the wallet cannot re-enter any of them.
"""

interface Groth16Verifier:
    def verifyProof(pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]) -> bool: view

interface Poseidon5:
    def poseidon(inputs: uint256[5]) -> uint256: pure

# ERC-4337 v0.7 user operation (EntryPoint 0.7 PackedUserOperation), field order and types as the ABI fixes them.
struct PackedUserOperation:
    sender: address
    nonce: uint256
    initCode: Bytes[MAX_INIT_CODE]
    callData: Bytes[MAX_CALL_DATA]
    accountGasLimits: bytes32
    preVerificationGas: uint256
    gasFees: bytes32
    paymasterAndData: Bytes[MAX_PAYMASTER_DATA]
    signature: Bytes[MAX_SIGNATURE]

event Executed:
    target: indexed(address)
    amount: uint256
    dataHash: bytes32
    nonce: uint256  # the nonce the proof was bound to (nonce() is now one more)
    timeCounter: uint256

event SecretRotated:
    oldSecretHash: uint256
    newSecretHash: uint256
    nonce: uint256
    timeCounter: uint256

event OwnershipTransferred:
    previousOwner: indexed(address)
    newOwner: indexed(address)
    nonce: uint256
    timeCounter: uint256

event UserOpValidated:
    userOpHash: indexed(bytes32)
    nonce: uint256
    timeCounter: uint256

event EntryPointExecuted:
    target: indexed(address)
    amount: uint256
    dataHash: bytes32

event Received:
    sender: indexed(address)
    amount: uint256

# BN254 scalar field modulus r.
SCALAR_FIELD: public(constant(uint256)) = 21888242871839275222246405745257275088548364400416034343698204186575808495617
# Seconds per TOTP step and the freshness bound |block.timestamp - 30 * timeCounter| <= 300 (seed 003: 5 minutes).
TIME_STEP: public(constant(uint256)) = 30
MAX_TIME_DIFFERENCE: public(constant(uint256)) = 300

ROTATE_SECRET_TAG: public(constant(bytes32)) = keccak256("ChronoVault.rotateSecret")
TRANSFER_OWNERSHIP_TAG: public(constant(bytes32)) = keccak256("ChronoVault.transferOwnership")
USER_OP_TAG: public(constant(bytes32)) = keccak256("ChronoVault.validateUserOp")

MAX_CALL_DATA: constant(uint256) = 8192
MAX_INIT_CODE: constant(uint256) = 1024
MAX_PAYMASTER_DATA: constant(uint256) = 1024
MAX_SIGNATURE: constant(uint256) = 1024
PROOF_BYTES: constant(uint256) = 384  # abi_encode(pA, pB, pC, pubSignals): 12 words

# ERC-4337 validationData: 0 = valid, 1 = SIG_VALIDATION_FAILED; validUntil at bit 160, validAfter at bit 208 (48 bits).
SIG_VALIDATION_FAILED: constant(uint256) = 1
MAX_VALID_UNTIL: constant(uint256) = 2**48 - 1

owner: public(address)
ownerSecretHash: public(uint256)
nonce: public(uint256)
lastUsedTimeCounter: public(uint256)
verifier: public(immutable(address))
poseidon: public(immutable(address))
entryPoint: public(immutable(address))


@deploy
def __init__(owner_: address, secretHash: uint256, verifier_: address, poseidon_: address, entryPoint_: address):
    """
    @param owner_ the owner's account (must also sign every executeWithProof / rotateSecret / transferOwnership)
    @param secretHash Poseidon(secret), 0 < secretHash < r (`chronoguard zk secret`)
    @param verifier_ a Groth16Verifier deployed with the TOTP circuit's verification key
    @param poseidon_ a circomlib Poseidon(5) contract: poseidon(uint256[5]) -> uint256
    @param entryPoint_ the ERC-4337 EntryPoint v0.7 allowed to call validateUserOp / execute (empty: none)
    """
    if owner_ == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    if secretHash == 0 or secretHash >= SCALAR_FIELD:
        raw_revert(method_id("InvalidSecretHash()"))
    assert verifier_.is_contract, "verifier has no code"
    assert poseidon_.is_contract, "poseidon has no code"
    self.owner = owner_
    self.ownerSecretHash = secretHash
    verifier = verifier_
    poseidon = poseidon_
    entryPoint = entryPoint_


@external
@payable
def __default__():
    log Received(sender=msg.sender, amount=msg.value)


# MARK: - Proof checks


@internal
@view
def _commitment(txHash: bytes32) -> uint256:
    h: uint256 = convert(txHash, uint256)
    return staticcall Poseidon5(poseidon).poseidon([chain.id, convert(self, uint256), h >> 128, h & convert(max_value(uint128), uint256), self.nonce])


@internal
@view
def _proof_error(txHash: bytes32, pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4], checkTime: bool) -> bytes4:
    """
    @return the selector of the first failed check, or empty(bytes4) when the proof authorises txHash now.
    @dev checkTime False skips the block.timestamp checks (validateUserOp returns the time range instead).
    """
    for s: uint256 in pubSignals:
        if s >= SCALAR_FIELD:
            return method_id("InputOutOfField()", output_type=bytes4)
    if pubSignals[2] != self.ownerSecretHash:
        return method_id("SecretHashMismatch()", output_type=bytes4)
    time_counter: uint256 = pubSignals[1]
    if time_counter <= self.lastUsedTimeCounter:
        return method_id("TimeCounterNotIncreasing()", output_type=bytes4)
    if checkTime:
        # 30 * t > now + 300  <=>  t > (now + 300) // 30, without overflowing 30 * t.
        if time_counter > (block.timestamp + MAX_TIME_DIFFERENCE) // TIME_STEP:
            return method_id("FutureProof()", output_type=bytes4)
        if block.timestamp > time_counter * TIME_STEP + MAX_TIME_DIFFERENCE:
            return method_id("StaleProof()", output_type=bytes4)
    if pubSignals[3] != self._commitment(txHash):
        return method_id("CommitmentMismatch()", output_type=bytes4)
    if not staticcall Groth16Verifier(verifier).verifyProof(pA, pB, pC, pubSignals):
        return method_id("InvalidProof()", output_type=bytes4)
    return empty(bytes4)


@internal
def _consume_proof(txHash: bytes32, pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]):
    """
    @dev Reverts with the failed check's error; on success spends the step and the nonce (effects before any call).
    """
    error: bytes4 = self._proof_error(txHash, pA, pB, pC, pubSignals, True)
    if error != empty(bytes4):
        raw_revert(concat(error, b""))
    self.lastUsedTimeCounter = pubSignals[1]
    self.nonce += 1


@internal
@view
def _only_owner():
    if msg.sender != self.owner:
        raw_revert(method_id("NotOwner()"))


# MARK: - Owner actions


@external
@nonreentrant
def executeWithProof(target: address, amount: uint256, callData: Bytes[MAX_CALL_DATA], pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]) -> bool:
    """
    @notice Call `target` with `amount` wei and `callData`, authorised by a proof bound to
            txHash = keccak256(abi_encode(target, amount, keccak256(callData))). Owner only.
    @return True (a failed call reverts with CallFailed()).
    """
    self._only_owner()
    data_hash: bytes32 = keccak256(callData)
    bound_nonce: uint256 = self.nonce
    self._consume_proof(keccak256(abi_encode(target, amount, data_hash)), pA, pB, pC, pubSignals)
    if not raw_call(target, callData, value=amount, revert_on_failure=False):
        raw_revert(method_id("CallFailed()"))
    log Executed(target=target, amount=amount, dataHash=data_hash, nonce=bound_nonce, timeCounter=pubSignals[1])
    return True


@external
@nonreentrant
def rotateSecret(newSecretHash: uint256, pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]):
    """
    @notice Replace ownerSecretHash, authorised by a proof for the CURRENT secret bound to
            txHash = keccak256(abi_encode(ROTATE_SECRET_TAG, newSecretHash)). Owner only.
    """
    self._only_owner()
    if newSecretHash == 0 or newSecretHash >= SCALAR_FIELD:
        raw_revert(method_id("InvalidSecretHash()"))
    bound_nonce: uint256 = self.nonce
    old_secret_hash: uint256 = self.ownerSecretHash
    self._consume_proof(keccak256(abi_encode(ROTATE_SECRET_TAG, newSecretHash)), pA, pB, pC, pubSignals)
    self.ownerSecretHash = newSecretHash
    log SecretRotated(oldSecretHash=old_secret_hash, newSecretHash=newSecretHash, nonce=bound_nonce, timeCounter=pubSignals[1])


@external
@nonreentrant
def transferOwnership(newOwner: address, pA: uint256[2], pB: uint256[2][2], pC: uint256[2], pubSignals: uint256[4]):
    """
    @notice Hand the wallet to newOwner, authorised by a proof bound to
            txHash = keccak256(abi_encode(TRANSFER_OWNERSHIP_TAG, newOwner)). Owner only.
    """
    self._only_owner()
    if newOwner == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    bound_nonce: uint256 = self.nonce
    previous_owner: address = self.owner
    self._consume_proof(keccak256(abi_encode(TRANSFER_OWNERSHIP_TAG, newOwner)), pA, pB, pC, pubSignals)
    self.owner = newOwner
    log OwnershipTransferred(previousOwner=previous_owner, newOwner=newOwner, nonce=bound_nonce, timeCounter=pubSignals[1])


@external
@view
def commitmentFor(txHash: bytes32) -> uint256:
    """
    @notice The txCommitment a proof must carry for an action whose txHash is given, at the current nonce.
    """
    return self._commitment(txHash)


# MARK: - ERC-4337 (EntryPoint v0.7)


@external
@nonreentrant
def validateUserOp(userOp: PackedUserOperation, userOpHash: bytes32, missingAccountFunds: uint256) -> uint256:
    """
    @notice ERC-4337 v0.7 account validation. userOp.signature = abi_encode(pA, pB, pC, pubSignals) (384 bytes),
            a proof bound to txHash = keccak256(abi_encode(USER_OP_TAG, userOpHash)). EntryPoint only.
    @return validationData: SIG_VALIDATION_FAILED (1) for a malformed signature or any failed proof check (state
            unchanged); otherwise 0 in the low 160 bits with validUntil = 30 * timeCounter + 300 (bits 160..207) and
            validAfter = max(30 * timeCounter - 300, 0) (bits 208..255): the EntryPoint enforces the 5-minute
            freshness window, because the ERC-7562 validation rules forbid reading block.timestamp here.
            On success the step and the nonce are spent. missingAccountFunds is paid to the EntryPoint either way.
    """
    if msg.sender != entryPoint:
        raw_revert(method_id("NotEntryPoint()"))
    validation_data: uint256 = SIG_VALIDATION_FAILED
    if len(userOp.signature) == PROOF_BYTES:
        pA: uint256[2] = empty(uint256[2])
        pB: uint256[2][2] = empty(uint256[2][2])
        pC: uint256[2] = empty(uint256[2])
        pubSignals: uint256[4] = empty(uint256[4])
        pA, pB, pC, pubSignals = abi_decode(userOp.signature, (uint256[2], uint256[2][2], uint256[2], uint256[4]))
        time_counter: uint256 = pubSignals[1]
        # validUntil must fit 48 bits; a larger step is no valid signature.
        if time_counter <= (MAX_VALID_UNTIL - MAX_TIME_DIFFERENCE) // TIME_STEP:
            bound_nonce: uint256 = self.nonce
            tx_hash: bytes32 = keccak256(abi_encode(USER_OP_TAG, userOpHash))
            if self._proof_error(tx_hash, pA, pB, pC, pubSignals, False) == empty(bytes4):
                self.lastUsedTimeCounter = time_counter
                self.nonce = bound_nonce + 1
                proof_time: uint256 = time_counter * TIME_STEP
                valid_after: uint256 = 0
                if proof_time > MAX_TIME_DIFFERENCE:
                    valid_after = proof_time - MAX_TIME_DIFFERENCE
                validation_data = ((proof_time + MAX_TIME_DIFFERENCE) << 160) | (valid_after << 208)
                log UserOpValidated(userOpHash=userOpHash, nonce=bound_nonce, timeCounter=time_counter)
    if missingAccountFunds > 0:
        # The EntryPoint checks the deposit; a failed transfer is its concern (ERC-4337), so it is ignored here.
        paid: bool = raw_call(msg.sender, b"", value=missingAccountFunds, revert_on_failure=False)
    return validation_data


@external
@nonreentrant
def execute(target: address, amount: uint256, callData: Bytes[MAX_CALL_DATA]):
    """
    @notice The call a user operation's callData makes (the EntryPoint calls it after validateUserOp accepted the
            proof bound to the userOpHash, which covers this callData). EntryPoint only.
    """
    if msg.sender != entryPoint:
        raw_revert(method_id("NotEntryPoint()"))
    if not raw_call(target, callData, value=amount, revert_on_failure=False):
        raw_revert(method_id("CallFailed()"))
    log EntryPointExecuted(target=target, amount=amount, dataHash=keccak256(callData))
