# pragma version 0.4.3
# TEST CONTRACT: a call target that records what the wallet sent it.

event Poked:
    caller: indexed(address)
    x: uint256
    amount: uint256

lastCaller: public(address)
lastX: public(uint256)
total: public(uint256)


@external
@payable
def poke(x: uint256) -> uint256:
    self.lastCaller = msg.sender
    self.lastX = x
    self.total += msg.value
    log Poked(caller=msg.sender, x=x, amount=msg.value)
    return x + 1


@external
def fail():
    raise "CallTarget: fail"
