"""One panel per state of the payment flow, each drawn from the ``Sale`` snapshot it is given."""
