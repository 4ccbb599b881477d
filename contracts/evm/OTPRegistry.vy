# pragma version 0.4.3
"""
@title Chronoguard OTP registry
@notice One-time codes as an on-chain second factor: the issuer (the Chronoguard service's account) commits to a
        code for a request, and only the request's user can reveal it, once, before its expiry, in at most three
        tries. Seed document 002's OTP registry, corrected (SEEDS-NOTES item 3): the seed stored
        keccak256("OTP:v1:" ‖ otp), which anyone reading the chain inverts with 10^6 hashes; here the commitment
        includes a 32-byte secret salt, the request id, the user, this chain and this contract:

            commitment = keccak256(abi_encode(DOMAIN, chain.id, self, requestId, user, salt, otp))
                         (bytes32, uint256, address, bytes32, address, bytes32, uint32)
            DOMAIN     = keccak256("Chronoguard OTPRegistry v1")
                       = 0x61cd844450426ed207cd695d4fd72cd791acd9c6215b58cd4e0bcbaf874a1457 (see DOMAIN())

        The salt is a fresh 32-byte CSPRNG value per request. It travels with the code over the second-factor
        channel only: whoever holds the salt can recover the code from the commitment by trying 10^6 candidates, so
        the salt must never be handed to a session authenticated by the wallet key alone. verify() reveals the salt
        and the code in calldata, after which the request is spent.

        Roles: `admin` rotates the issuer (setIssuer) and hands over the admin role in two steps (transferAdmin by
        the admin names pendingAdmin; acceptAdmin by that account completes it; transferAdmin(empty) cancels).
        `issuer` sets requests (setOtp). A request set by an issuer stays verifiable after the issuer is rotated,
        until its expiry (at most MAX_TTL = 1 hour).

        Each request occupies two storage slots: commitmentOf[requestId], and one uint256 packed by hand:
            bits   0..159  user      (address)
            bits 160..223  expiry    (uint64, unix seconds)
            bits 224..231  used      (0 or 1)
            bits 232..239  attempts  (failed verify calls, 0..MAX_ATTEMPTS)
            bits 240..255  zero
        A request exists iff its packed word is non-zero (user is never the zero address). Records are never
        deleted, so a request id can be set once only, even after use or expiry.

        Errors (custom-error selectors, no arguments), checked in the order listed per function:
            setOtp     NotIssuer(), ZeroAddress() (user), RequestExists(), ExpiryInPast() (expiry <= now),
                       ExpiryTooFar() (expiry > now + MAX_TTL)
            verify     UnknownRequest(), NotRequestUser() (msg.sender != user), AlreadyUsed(), Expired()
                       (now > expiry), Blocked() (MAX_ATTEMPTS failures already)
            admin      NotAdmin(), NotPendingAdmin(), ZeroAddress()
        A wrong code is no revert: verify returns False and counts the attempt (AttemptFailed; the third also logs
        OtpBlocked), so the count persists.
"""

event OtpSet:
    requestId: indexed(bytes32)
    user: indexed(address)
    expiry: uint64

event OtpVerified:
    requestId: indexed(bytes32)
    user: indexed(address)

event AttemptFailed:
    requestId: indexed(bytes32)
    user: indexed(address)
    attempts: uint8  # failed attempts so far, including this one

event OtpBlocked:
    requestId: indexed(bytes32)
    user: indexed(address)

event IssuerChanged:
    previousIssuer: indexed(address)
    newIssuer: indexed(address)

event AdminTransferStarted:
    admin: indexed(address)
    pendingAdmin: indexed(address)

event AdminTransferred:
    previousAdmin: indexed(address)
    newAdmin: indexed(address)

DOMAIN: public(constant(bytes32)) = keccak256("Chronoguard OTPRegistry v1")
# Failed verify calls after which a request is blocked (seed 002: 3 attempts per requestId).
MAX_ATTEMPTS: public(constant(uint8)) = 3
# Longest lifetime of a request, in seconds: setOtp needs now < expiry <= now + MAX_TTL.
MAX_TTL: public(constant(uint256)) = 3600

# Packed record layout (see the header).
EXPIRY_SHIFT: constant(uint256) = 160
USED_SHIFT: constant(uint256) = 224
ATTEMPTS_SHIFT: constant(uint256) = 232
ADDRESS_MASK: constant(uint256) = 2**160 - 1
EXPIRY_MASK: constant(uint256) = 2**64 - 1
BYTE_MASK: constant(uint256) = 2**8 - 1

admin: public(address)
pendingAdmin: public(address)
issuer: public(address)
commitmentOf: public(HashMap[bytes32, bytes32])
_records: HashMap[bytes32, uint256]


@deploy
def __init__(admin_: address, issuer_: address):
    """
    @param admin_ the account that may rotate the issuer and hand over the admin role
    @param issuer_ the service's account that sets requests
    """
    if admin_ == empty(address) or issuer_ == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    self.admin = admin_
    self.issuer = issuer_
    log AdminTransferred(previousAdmin=empty(address), newAdmin=admin_)
    log IssuerChanged(previousIssuer=empty(address), newIssuer=issuer_)


# MARK: - Packed record


@internal
@pure
def _user(record: uint256) -> address:
    return convert(convert(record & ADDRESS_MASK, uint160), address)


@internal
@pure
def _expiry(record: uint256) -> uint64:
    return convert((record >> EXPIRY_SHIFT) & EXPIRY_MASK, uint64)


@internal
@pure
def _used(record: uint256) -> bool:
    return (record >> USED_SHIFT) & BYTE_MASK != 0


@internal
@pure
def _attempts(record: uint256) -> uint8:
    return convert((record >> ATTEMPTS_SHIFT) & BYTE_MASK, uint8)


@internal
@pure
def _pack(user: address, expiry: uint64, used: bool, attempts: uint8) -> uint256:
    return (convert(user, uint256) | (convert(expiry, uint256) << EXPIRY_SHIFT)
            | (convert(used, uint256) << USED_SHIFT) | (convert(attempts, uint256) << ATTEMPTS_SHIFT))


@internal
@view
def _commitment(requestId: bytes32, user: address, salt: bytes32, otp: uint32) -> bytes32:
    return keccak256(abi_encode(DOMAIN, chain.id, self, requestId, user, salt, otp))


# MARK: - Issuer


@external
def setOtp(requestId: bytes32, user: address, commitment: bytes32, expiry: uint64):
    """
    @notice Commit to the code of a new request. Issuer only; each request id can be set once.
    @param user the only account that may call verify for this request
    @param commitment keccak256(abi_encode(DOMAIN, chain.id, this registry, requestId, user, salt, otp))
    @param expiry last second (unix time, inclusive) at which verify may succeed; now < expiry <= now + MAX_TTL
    """
    if msg.sender != self.issuer:
        raw_revert(method_id("NotIssuer()"))
    if user == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    if self._records[requestId] != 0:
        raw_revert(method_id("RequestExists()"))
    if convert(expiry, uint256) <= block.timestamp:
        raw_revert(method_id("ExpiryInPast()"))
    if convert(expiry, uint256) > block.timestamp + MAX_TTL:
        raw_revert(method_id("ExpiryTooFar()"))
    self.commitmentOf[requestId] = commitment
    self._records[requestId] = self._pack(user, expiry, False, 0)
    log OtpSet(requestId=requestId, user=user, expiry=expiry)


# MARK: - User


@external
def verify(requestId: bytes32, otp: uint32, salt: bytes32) -> bool:
    """
    @notice Reveal the request's code and salt. Only the request's user, once, until expiry, while fewer than
            MAX_ATTEMPTS tries have failed.
    @return True when the commitment matches (the request is now used); False when it does not (the failed
            attempt is counted, not reverted).
    """
    record: uint256 = self._records[requestId]
    if record == 0:
        raw_revert(method_id("UnknownRequest()"))
    user: address = self._user(record)
    if msg.sender != user:
        raw_revert(method_id("NotRequestUser()"))
    if self._used(record):
        raw_revert(method_id("AlreadyUsed()"))
    if block.timestamp > convert(self._expiry(record), uint256):
        raw_revert(method_id("Expired()"))
    attempts: uint8 = self._attempts(record)
    if attempts >= MAX_ATTEMPTS:
        raw_revert(method_id("Blocked()"))

    if self._commitment(requestId, user, salt, otp) == self.commitmentOf[requestId]:
        self._records[requestId] = record | (1 << USED_SHIFT)
        log OtpVerified(requestId=requestId, user=user)
        return True

    attempts += 1
    # attempts < 2**8: the other fields are unchanged, so adding one to the attempts byte is the new record.
    self._records[requestId] = record + (1 << ATTEMPTS_SHIFT)
    log AttemptFailed(requestId=requestId, user=user, attempts=attempts)
    if attempts == MAX_ATTEMPTS:
        log OtpBlocked(requestId=requestId, user=user)
    return False


# MARK: - Views


@external
@view
def isVerified(requestId: bytes32) -> bool:
    """
    @notice True once verify succeeded for requestId (and forever after).
    """
    return self._used(self._records[requestId])


@external
@view
def getRequest(requestId: bytes32) -> (address, bytes32, uint64, bool, uint8):
    """
    @return (user, commitment, expiry, used, attempts); all zero for an unknown request id.
    """
    record: uint256 = self._records[requestId]
    return self._user(record), self.commitmentOf[requestId], self._expiry(record), self._used(record), self._attempts(record)


@external
@view
def computeCommitment(requestId: bytes32, user: address, salt: bytes32, otp: uint32) -> bytes32:
    """
    @notice The commitment setOtp expects, on this chain and registry. For tests and local nodes: asking a remote
            node reveals the salt and the code to it, so the issuer computes commitments off-chain.
    """
    return self._commitment(requestId, user, salt, otp)


# MARK: - Admin


@internal
@view
def _only_admin():
    if msg.sender != self.admin:
        raw_revert(method_id("NotAdmin()"))


@external
def setIssuer(newIssuer: address):
    """
    @notice Replace the issuer (the previous one can no longer set requests). Admin only.
    """
    self._only_admin()
    if newIssuer == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    previous: address = self.issuer
    self.issuer = newIssuer
    log IssuerChanged(previousIssuer=previous, newIssuer=newIssuer)


@external
def transferAdmin(newAdmin: address):
    """
    @notice First step of an admin handover: newAdmin must call acceptAdmin. empty(address) cancels a pending
            handover. Admin only.
    """
    self._only_admin()
    self.pendingAdmin = newAdmin
    log AdminTransferStarted(admin=msg.sender, pendingAdmin=newAdmin)


@external
def acceptAdmin():
    """
    @notice Second step of an admin handover. pendingAdmin only.
    """
    if msg.sender != self.pendingAdmin:
        raw_revert(method_id("NotPendingAdmin()"))
    previous: address = self.admin
    self.admin = msg.sender
    self.pendingAdmin = empty(address)
    log AdminTransferred(previousAdmin=previous, newAdmin=msg.sender)
