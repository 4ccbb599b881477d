# pragma version 0.4.3
# TEST CONTRACT: an attacker target. When the wallet calls it (with ether, through __default__), it replays the
# calldata it was armed with into the wallet — e.g. the same executeWithProof call — and records the outcome.
# bubble = True makes it revert when the re-entry fails (so the wallet's call fails); False swallows the failure.

wallet: public(address)
payload: public(Bytes[4096])
bubble: public(bool)
attempts: public(uint256)
reentrySucceeded: public(bool)
reentryRevertData: public(Bytes[256])


@external
def arm(wallet: address, payload: Bytes[4096], bubble: bool):
    self.wallet = wallet
    self.payload = payload
    self.bubble = bubble


@external
@payable
def __default__():
    if self.attempts > 0:
        return  # a successful re-entry would pay us again: stop there
    self.attempts += 1
    ok: bool = False
    response: Bytes[256] = b""
    ok, response = raw_call(self.wallet, self.payload, max_outsize=256, revert_on_failure=False)
    self.reentrySucceeded = ok
    self.reentryRevertData = response
    if not ok and self.bubble:
        raw_revert(response)
