# pragma version 0.4.3
"""
@title Seed 002's OTP registry, as the seed describes it (TEST ONLY: the broken scheme test_registry.py attacks)
@notice commitment = keccak256("OTP:v1:" ‖ otp) with otp the 6 ASCII digits; no salt, no user binding (the seed binds
        the user only off-chain, through the request id), expiry + used flag + 3 attempts as the seed lists them.
        Not deployed anywhere and not compiled into contracts/evm/build/.
"""

event OtpSet:
    requestId: indexed(bytes32)
    otpHash: bytes32
    expiry: uint64

event OtpVerified:
    requestId: indexed(bytes32)
    caller: indexed(address)

struct Request:
    otpHash: bytes32
    expiry: uint64
    used: bool
    attempts: uint8

issuer: public(address)
requests: public(HashMap[bytes32, Request])


@deploy
def __init__():
    self.issuer = msg.sender


@external
def setOtp(requestId: bytes32, otpHash: bytes32, expiry: uint64):
    assert msg.sender == self.issuer, "issuer"
    assert self.requests[requestId].expiry == 0, "exists"
    self.requests[requestId] = Request(otpHash=otpHash, expiry=expiry, used=False, attempts=0)
    log OtpSet(requestId=requestId, otpHash=otpHash, expiry=expiry)


@external
def verify(requestId: bytes32, otp: String[6]) -> bool:
    request: Request = self.requests[requestId]
    assert not request.used, "used"
    assert block.timestamp <= convert(request.expiry, uint256), "expired"
    assert request.attempts < 3, "blocked"
    if keccak256(concat("OTP:v1:", otp)) != request.otpHash:
        self.requests[requestId].attempts = request.attempts + 1
        return False
    self.requests[requestId].used = True
    log OtpVerified(requestId=requestId, caller=msg.sender)
    return True
