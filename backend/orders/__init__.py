"""The order domain.

    lifecycle.py  the statuses, what each allows and how an order moves (everything else asks it)
    service.py    OrderService: place, look up, list and edit orders; prices, stock, idempotency
    cancel.py     OrderCancellation: at once while Qikink does not have the order, else a request
    answers.py    what an order looks like from outside (customer, staff, the 201 of a new order)
    dispatch.py   the Dispatcher the service hands orders to (fulfilment, or nothing)

Kept free of imports so that fulfilment, billing and Qikink's mapping can ask `lifecycle` without
loading the service.
"""
