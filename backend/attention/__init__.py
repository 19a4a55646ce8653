"""What needs a person now: one list of every order and condition someone must act on, each with
why, since when, and what to do. Qikink has no webhooks and no wallet API, so nobody but this
server will ever tell the shop that orders are stuck.

Computed from the stored orders through the stores' status indexes (`OrderFilter` by `status` or
`qikink_status`: the journal index, or SQL), never a scan of every order: at 100,000 orders the
list reads only the orders in the states it looks at. Two conditions have no index of their own
(a failed customer email, a failed refund): they are looked for among the orders of the last
RECENT_DAYS, read newest first (see `Attention.recent`).

Each kind has a threshold (listed once the order has been in that state longer) and escalates to
`critical` at twice the threshold (or CRITICAL_AFTER for kinds listed at once).
"""
