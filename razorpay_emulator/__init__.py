"""A local stand-in for Razorpay (razorpay-api.md), a program of its own like qikink_emulator/:
the orders, payments and refunds API with Razorpay's validation, error envelope and signatures,
signed webhooks to the shop (with fault modes), a checkout stand-in (`/v1/checkout.js` and a test
payment page with "Pay", "Fail payment" and "Close"), and `/_emulator/*` controls. It imports
nothing from backend/."""

from .server import RazorpayEmulator
from .state import EmulatorState

__all__ = ["EmulatorState", "RazorpayEmulator"]
