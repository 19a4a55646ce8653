"""GET /metrics: the shop in Prometheus' text format, for the owner's (or a host's) monitoring.

Two kinds of figures:
- computed at scrape time from the stored orders, through the same status indexes as the
  listings (so every machine of a PostgreSQL fleet answers the same): orders by status and by
  Qikink status, the age of the oldest order in each waiting state, the "needs attention" items;
- counted by this process since it started (a fleet's Prometheus adds the machines up): requests
  by route pattern, method and status with their durations, Qikink calls by kind and outcome,
  emails, payments, refunds and Razorpay webhooks by outcome; and its view of Qikink (the call
  budget left this minute, the circuit breaker).

Labels never hold an order id, an email or a path with an id in it: a route is its pattern
(`/api/orders/<order_id>`), an unknown path is `<unmatched>`.
"""
