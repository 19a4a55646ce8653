"""The words a customer reads for each fulfilment event."""

EVENT_DESCRIPTIONS = {
    "order_synced": "Sent to Qikink", "order_on_hold": "On hold at Qikink (wallet balance too low)",
    "order_processing": "Printing", "ready_to_ship": "Packed and manifested for pickup",
    "in_transit": "Shipped and in transit", "out_for_delivery": "Out for delivery", "delivered": "Delivered",
    "delivery_exception": "Delivery problem reported by the courier", "rto_initiated": "Return to origin started",
    "returned": "Returned to origin", "cancelled": "Cancelled", "action_required": "Qikink needs action on this order",
}
