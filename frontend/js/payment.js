// Paying an order awaiting payment with Razorpay Checkout (the local emulator's checkout.js by
// default, Razorpay's own with real keys). The server settles the order whichever way the money
// arrives (this answer, a webhook, or its own look-up), so closing the window or losing the
// connection loses nothing: the order waits, and "Pay now" opens the same Razorpay order again.

const SCRIPT_TIMEOUT_MS = 15000;
const loaded = new Map(); // script URL → promise of window.Razorpay

/** Load the checkout script once; rejects with a customer-readable message when it cannot load. */
export function loadCheckout(url) {
  if (window.Razorpay && loaded.has(url)) return loaded.get(url);
  if (!loaded.has(url)) {
    loaded.set(url, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      const fail = () => {
        loaded.delete(url);
        script.remove();
        reject(new Error('The payment window could not be loaded (your connection, or a blocker in your browser). '
          + 'Your order is saved: try "Pay now" again in a moment.'));
      };
      const timer = setTimeout(fail, SCRIPT_TIMEOUT_MS);
      script.src = url;
      script.async = true;
      script.onload = () => {
        clearTimeout(timer);
        if (typeof window.Razorpay === 'function') resolve(window.Razorpay);
        else fail();
      };
      script.onerror = () => {
        clearTimeout(timer);
        fail();
      };
      document.head.append(script);
    }));
  }
  return loaded.get(url);
}

/**
 * Open the checkout for `checkout` (the server's `payment` object) and settle the answer with the
 * shop. Resolves `{ outcome: 'paid' | 'confirming' | 'closed', order?, failure? }`; `failure` is
 * the last failed attempt's reason (the customer may retry in the same window before closing).
 */
export async function payWithCheckout(client, orderId, checkout) {
  const Razorpay = await loadCheckout(checkout.checkout_url);
  return new Promise((resolve, reject) => {
    let failure = null;
    let answered = false;
    const options = {
      key: checkout.key_id,
      order_id: checkout.razorpay_order_id,
      amount: checkout.amount,
      currency: checkout.currency,
      name: checkout.name,
      description: checkout.description,
      prefill: checkout.prefill || {},
      handler: async (response) => {
        answered = true;
        try {
          const { data: order } = await client.confirmPayment(orderId, response);
          resolve({ outcome: order.payment_status === 'paid' ? 'paid' : 'confirming', order });
        } catch (error) {
          // The money may be taken though our answer was lost: the server still settles it.
          if (error.isNetworkError || error.status >= 500) resolve({ outcome: 'confirming' });
          else reject(error);
        }
      },
      modal: { ondismiss: () => { if (!answered) resolve({ outcome: 'closed', failure }); } },
    };
    const checkoutWindow = new Razorpay(options);
    checkoutWindow.on('payment.failed', (response) => {
      failure = (response && response.error && response.error.description) || 'The payment did not go through';
    });
    checkoutWindow.open();
  });
}
